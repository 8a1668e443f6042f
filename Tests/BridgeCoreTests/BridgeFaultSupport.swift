import Foundation
import SMSCSimulator
import Testing

/// Runs the end-to-end suites one at a time: some of their tests stop or restart the broker, which would fail
/// whatever another suite's bridge is doing at that moment. Suite-level, so each suite holds the turn for all its
/// tests (they are `.serialized` inside).
struct OneEndToEndSuiteAtATime: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await EndToEndTurn.shared.acquire()
        do {
            try await function()
        } catch {
            await EndToEndTurn.shared.release()
            throw error
        }
        await EndToEndTurn.shared.release()
    }
}

extension SuiteTrait where Self == OneEndToEndSuiteAtATime {
    /// See ``OneEndToEndSuiteAtATime``.
    static var oneEndToEndSuiteAtATime: Self { Self() }
}

/// A first-come, first-served turn.
actor EndToEndTurn {
    static let shared = EndToEndTurn()
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Commands that stop and start the private broker (deploy/rabbitmq.sh env prints them).
enum E2EBrokerControl {
    static let environment = ProcessInfo.processInfo.environment
    /// `deploy/rabbitmq.sh restart` for the test broker.
    static let restart = environment["SMPP_BRIDGE_TEST_AMQP_RESTART"]
    /// `deploy/rabbitmq.sh ctl` for the test broker (rabbitmqctl against its node).
    static let ctl = environment["SMPP_BRIDGE_TEST_AMQP_CTL"]
    static let restartable = E2EBroker.available && restart != nil
    static let stoppable = E2EBroker.available && ctl != nil
    static let skipReason: Comment = "needs SMPP_BRIDGE_TEST_AMQP_RESTART and _CTL: run deploy/test.sh"

    /// Runs `command` with /bin/sh (system(3), on its own thread: Foundation's Process did not see the shell exit
    /// here once the broker it started had detached) and waits for it; throws when it exits non-zero.
    static func shell(_ command: String) async throws {
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: system(command)) }.start()
        }
        struct CommandFailed: Error, CustomStringConvertible {
            var description: String
        }
        guard status == 0 else { throw CommandFailed(description: "`\(command)` exited with status \(status)") }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration, _ condition: () async -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}

/// The checks every fault test makes on its submit results: each request has exactly one final result (identical
/// copies of it — same event id, same bytes — allowed, as a consumer drops them), and a message reached the simulator
/// more than once only where its result says `possible_duplicate: true`. `destination` maps a request id to the
/// destination address the simulator records.
func expectOneResultPerRequest(
    _ events: [Event], ids: [String], records: [SubmitRecord], destination: (String) -> String,
    allowedStatuses: Set<String> = ["accepted"], sourceLocation: SourceLocation = #_sourceLocation
) {
    let results = Dictionary(grouping: events.filter { $0.type == "submit_result" }, by: { $0.requestID ?? "" })
    #expect(Set(results.keys) == Set(ids), "a result for every request and no other", sourceLocation: sourceLocation)
    let atSimulator = Dictionary(grouping: records, by: \.destinationAddress).mapValues(\.count)
    for id in ids {
        guard let copies = results[id], let first = copies.first else { continue }
        #expect(Set(copies.map(\.messageID)).count == 1, "\(id): \(copies.count) different results",
                sourceLocation: sourceLocation)
        #expect(copies.allSatisfy { $0.body == first.body }, "\(id): copies differ", sourceLocation: sourceLocation)
        let status = first.json["status"] as? String ?? ""
        #expect(allowedStatuses.contains(status), "\(id): \(first.json)", sourceLocation: sourceLocation)
        let count = atSimulator[destination(id)] ?? 0
        if status == "accepted" { #expect(count >= 1, "\(id) accepted but not at the SMSC", sourceLocation: sourceLocation) }
        if count > 1 {
            #expect(first.json["possible_duplicate"] as? Bool == true, "\(id) reached the SMSC \(count) times",
                    sourceLocation: sourceLocation)
        }
    }
}
