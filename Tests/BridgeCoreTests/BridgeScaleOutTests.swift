import Foundation
import SMSCSimulator
import Testing

/// Several bridges (real processes) on one account and the shared PostgreSQL store (issue 9): the session budget
/// holds, receipts match across instances, a killed instance's work and sessions are taken over, and a database
/// restart loses nothing.
@Suite(.serialized, .oneEndToEndSuiteAtATime, .timeLimit(.minutes(15)),
       .enabled(if: E2EBroker.available && BridgeExecutable.available, E2EBroker.skipReason))
struct BridgeScaleOutTests {
    static func bodies(_ ids: [String], prefix: String) -> [String] {
        ids.indices.map { #"{"id":"\#(ids[$0])","to":"+\#(prefix)\#($0)","text":"fleet \#($0)","metadata":{"n":\#($0)}}"# }
    }

    static func resultIDs(_ events: [RawEvent]) -> Set<String> {
        Set(events.lazy.filter { $0.type == "submit_result" }.compactMap(\.requestID))
    }

    /// Every request has its result and every message id the simulator gave out has its receipt.
    static func finished(_ fleet: BridgeFleet, count: Int) -> ([RawEvent]) -> Bool {
        { events in
            guard resultIDs(events).count == count else { return false }
            let receipted = Set(events.lazy.filter { $0.type == "delivery_receipt" }.compactMap { $0.json["message_id"] as? String })
            return fleet.simulator.records().allSatisfy { receipted.contains($0.messageID) }
        }
    }

    /// Three bridges, an account of 4 sessions, 20 000 requests with receipts: each request one result, every
    /// receipt matched (whichever instance's session it arrived on), never more than 4 binds at once, no bind refused.
    @Test func threeBridgesShareOneAccount() async throws {
        let fleet = try await BridgeFleet(instances: ["bridge-a", "bridge-b", "bridge-c"], sessions: 4)
        do {
            let count = 20_000
            let ids = (0..<count).map { "s-\($0)" }
            try await fleet.send(Self.bodies(ids, prefix: "5739"))
            let done = try await fleet.recorder.wait(timeout: .seconds(600), until: Self.finished(fleet, count: count))
            let events = fleet.recorder.events
            if !done { Issue.record("not finished: results \(Self.resultIDs(events).count)/\(count)\n\(fleet.logTails())") }
            let outcome = expectScaleOutOutcome(
                events, ids: ids, records: fleet.simulator.records(), destination: { "5739\($0.dropFirst(2))" })
            let counters = fleet.simulator.counters
            #expect(counters.peakBoundSessions <= 4, "peak \(counters.peakBoundSessions) sessions bound at once")
            #expect(counters.bindsRefusedSessionLimit == 0)
            #expect(outcome.unmatched == 0, "\(outcome.unmatched) receipts published unmatched")
            print("scale-out: 3 bridges, \(count) requests; peak sessions \(counters.peakBoundSessions); "
                + "flagged \(outcome.flagged), at the SMSC twice \(outcome.duplicated); unmatched receipts \(outcome.unmatched)")
        } catch {
            Issue.record("\(error)\n\(fleet.logTails())")
        }
        let statuses = await fleet.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "exit statuses after SIGTERM: \(statuses)")
    }

    /// One of three bridges SIGKILLed mid-run: its sessions are taken over by the others within
    /// `cluster.takeover_after` (6 s here) plus a renew round and a bind; its unacked requests are completed by the
    /// others (resubmitted only flagged possible_duplicate); nothing is lost; the budget is never exceeded.
    @Test func aKilledBridgesSessionsAndRequestsAreTakenOver() async throws {
        let fleet = try await BridgeFleet(instances: ["bridge-a", "bridge-b", "bridge-c"], sessions: 4)
        do {
            let count = 3_000
            let ids = (0..<count).map { "k-\($0)" }
            try await fleet.send(Self.bodies(ids, prefix: "5738"))
            let third = try await fleet.recorder.wait(timeout: .seconds(180)) { Self.resultIDs($0).count >= count / 3 }
            try #require(third, "a third of the results did not arrive\n\(fleet.logTails())")
            // The victim: an instance holding sessions (with 4 slots over 3 instances, each holds one or two).
            let signal = try await fleet.kill("bridge-b")
            #expect(signal == SIGKILL)
            let killed = ContinuousClock.now
            let takenOver = try await fleet.recorder.wait(timeout: .seconds(60)) { _ in
                fleet.simulator.boundSessions(systemID: BridgeFleet.systemID) == 4
            }
            let after = ContinuousClock.now - killed
            #expect(takenOver, "the account is back to 4 bound sessions")
            #expect(after < .seconds(30), "taken over after \(after) (takeover_after 6 s)")
            let done = try await fleet.recorder.wait(timeout: .seconds(300), until: Self.finished(fleet, count: count))
            let events = fleet.recorder.events
            if !done { Issue.record("not finished: results \(Self.resultIDs(events).count)/\(count)\n\(fleet.logTails())") }
            let outcome = expectScaleOutOutcome(
                events, ids: ids, records: fleet.simulator.records(), destination: { "5738\($0.dropFirst(2))" })
            let counters = fleet.simulator.counters
            #expect(counters.peakBoundSessions <= 4 && counters.bindsRefusedSessionLimit == 0)
            print("scale-out kill: \(count) requests; sessions back to 4 \(after) after the SIGKILL; peak "
                + "\(counters.peakBoundSessions); flagged \(outcome.flagged), at the SMSC twice \(outcome.duplicated); "
                + "unmatched receipts \(outcome.unmatched)")
        } catch {
            Issue.record("\(error)\n\(fleet.logTails())")
        }
        _ = await fleet.stop()
    }

    /// PostgreSQL restarted while two bridges work: requests wait or are handed back (nothing acked without its
    /// commit), the bridges recover, and every request ends with one result.
    @Test func aDatabaseRestartMidRunLosesNothing() async throws {
        let restart = try #require(PostgresTestDatabase.restartCommand, Comment(rawValue: PostgresTestDatabase.howToRun))
        let fleet = try await BridgeFleet(instances: ["bridge-a", "bridge-b"], sessions: 2, takeoverAfter: 30)
        do {
            let count = 3_000
            let ids = (0..<count).map { "p-\($0)" }
            try await fleet.send(Self.bodies(ids, prefix: "5736"))
            let third = try await fleet.recorder.wait(timeout: .seconds(180)) { Self.resultIDs($0).count >= count / 3 }
            try #require(third, "a third of the results did not arrive\n\(fleet.logTails())")
            let before = Self.resultIDs(fleet.recorder.events).count
            try await E2EBrokerControl.shell(restart)
            let done = try await fleet.recorder.wait(timeout: .seconds(300), until: Self.finished(fleet, count: count))
            let events = fleet.recorder.events
            if !done { Issue.record("not finished: results \(Self.resultIDs(events).count)/\(count)\n\(fleet.logTails())") }
            #expect(before < count, "the restart came before the run ended")
            let outcome = expectScaleOutOutcome(
                events, ids: ids, records: fleet.simulator.records(), destination: { "5736\($0.dropFirst(2))" })
            print("scale-out database restart: \(count) requests, restart at \(before) results; flagged "
                + "\(outcome.flagged), at the SMSC twice \(outcome.duplicated); unmatched receipts \(outcome.unmatched)")
        } catch {
            Issue.record("\(error)\n\(fleet.logTails())")
        }
        _ = await fleet.stop()
    }
}
