import NIOConcurrencyHelpers
import NIOCore
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// The one pool queue (issue 7 item 3) and the session edges of issue 10 that need a real SMSC: TLS loopback
/// against the simulator, whose submit faults can be confined to the first connection it accepts.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SessionPoolLoopbackTests {
    /// One session throttled (every submit on the first connection answered ESME_RTHROTTLED, then paused for an
    /// hour) while the other idles: the other carries the whole queue. Requests tied to a session when submitted
    /// would wait out the pause (the test would hit its time limit).
    @Test func aThrottledSessionLeavesTheQueueToTheOther() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.throttleRate = 1; $0.faults.submitFaultConnections = 1 },
            client: { $0.sessions = 2; $0.window = 5; $0.throttlePause = .seconds(3_600) })
        await loopback.waitForBound(2)
        let outcomes = await loopback.submitAll(200)
        let throttled = outcomes.values.filter { (try? $0.get().commandStatus) == .throttled }
        let accepted = outcomes.values.filter { (try? $0.get().commandStatus) == .ok }
        #expect(throttled.count + accepted.count == 200)
        #expect(throttled.count >= 1)
        #expect(throttled.count <= 5, "the throttled session took more than its first window")
        let throttledSessions = Set(throttled.compactMap { try? $0.get().sessionIndex })
        let acceptingSessions = Set(accepted.compactMap { try? $0.get().sessionIndex })
        #expect(throttledSessions.count == 1 && acceptingSessions.count == 1)
        #expect(throttledSessions.isDisjoint(with: acceptingSessions))
        loopback.expectRecordsMatch(outcomes, count: 200)
        #expect(loopback.simulator.records().count == accepted.count)
        try await loopback.stop()
    }

    /// Issue 10 item 14: a session that stops answering submits (it still answers enquire_link) is closed after
    /// `maxConsecutiveTimeouts`; the other session carries the queue; the slot reconnects.
    @Test func anUnresponsiveSessionIsClosedAndTheOtherCarriesTheQueue() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.noResponseRate = 1; $0.faults.submitFaultConnections = 1 },
            client: {
                $0.sessions = 2
                $0.window = 5
                $0.responseTimeout = .milliseconds(300)
                $0.maxConsecutiveTimeouts = 3
            })
        await loopback.waitForBound(2)
        let outcomes = await loopback.submitAll(300)
        let accepted = outcomes.values.filter { (try? $0.get().commandStatus) == .ok }.count
        let unknown = outcomes.values.filter { (try? $0.get()) == nil }
        #expect(unknown.allSatisfy { $0.errorCode == .responseTimeout || $0.errorCode == .sessionLostOutcomeUnknown })
        // The stalled session keeps its window (5) and, while its first timeouts free slots before the third
        // consecutive one closes it, takes at most maxConsecutiveTimeouts − 1 more: 7 at most are unknown.
        #expect(unknown.count <= 5 + 3 - 1, "only the stalled session's window and its refills are lost")
        #expect(accepted + unknown.count == 300)
        var closed = false
        for await event in loopback.client.sessionEvents {
            if case .ended(_, .unresponsive) = event { closed = true; break }
        }
        #expect(closed)
        loopback.expectRecordsMatch(outcomes, count: 300)
        try await loopback.stop()
    }

    /// Issue 10 item 3: graceful shutdown fails the requests no session has written as `shuttingDown` (never
    /// sent) instead of sending them and cutting them at a deadline; the written one gets its answer.
    @Test func shutdownFailsUnwrittenRequestsAsNeverSent() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.latency = .fixed(milliseconds: 300) },
            client: { $0.sessions = 1; $0.window = 1 })
        await loopback.waitForBound(1)
        let client = loopback.client
        let tasks = (0..<5).map { index in Task { await submitResult(client, Loopback.message(index)) } }
        _ = await loopback.simulator.waitForCounters { $0.submitsReceived >= 1 }
        try await loopback.stopClient()
        var results: [Result<SubmitOutcome, SMPPClientError>] = []
        for task in tasks { results.append(await task.value) }
        #expect(results.filter { (try? $0.get().commandStatus) == .ok }.count == 1)
        #expect(results.filter { $0.errorCode == .shuttingDown }.count == 4)
        #expect(loopback.simulator.records().count == 1)
        #expect(loopback.simulator.counters.submitsReceived == 1)
        await loopback.simulator.stop()
    }

    /// Issue 10 item 10: responses after the response timeout arrive on `lateOutcomes` with the caller's tag and
    /// the message_id the simulator recorded.
    @Test func lateResponsesArriveWithTheirTags() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.latency = .fixed(milliseconds: 400) },
            client: {
                $0.sessions = 1
                $0.window = 10
                $0.responseTimeout = .milliseconds(100)
                $0.maxConsecutiveTimeouts = 0
            })
        await loopback.waitForBound(1)
        let client = loopback.client
        let results = await withTaskGroup(of: Result<SubmitOutcome, SMPPClientError>.self) { group in
            for index in 0..<5 {
                group.addTask {
                    do throws(SMPPClientError) {
                        return .success(try await client.submit(Loopback.message(index), tag: UInt64(1_000 + index)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.errorCode == .responseTimeout })
        var late: [UInt64: String] = [:]
        for await outcome in client.lateOutcomes {
            #expect(outcome.outcome.commandStatus == .ok)
            late[outcome.tag] = outcome.outcome.messageID
            if late.count == 5 { break }
        }
        #expect(Set(late.keys) == Set((0..<5).map { UInt64(1_000 + $0) }))
        let recorded = Dictionary(uniqueKeysWithValues: loopback.simulator.records().map { ($0.messageID, $0) })
        for (tag, messageID) in late {
            let record = try #require(recorded[messageID])
            #expect(record.payload == Loopback.message(Int(tag) - 1_000).shortMessage)
        }
        try await loopback.stop()
    }
}
