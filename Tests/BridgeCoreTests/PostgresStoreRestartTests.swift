import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import Testing

/// PostgreSQL restarted under a stream of writes. It restarts the shared test cluster, so deploy/test.sh runs it in
/// its second pass, where no other test uses PostgreSQL.
@Suite(.timeLimit(.minutes(3))) struct PostgresStoreRestartTests {
    typealias F = StoreFixtures
    typealias DB = PostgresTestDatabase

    /// Writers keep writing while the cluster stops and starts: writes in the outage fail `.writeFailed` within a
    /// bound (never a hang, never a false success), writes after it succeed, and every write that returned success
    /// is in the database afterwards.
    @Test func restartUnderWritesLosesNothingAcknowledged() async throws {
        guard let restart = DB.restartCommand else {
            throw DB.Unavailable(description: "SMPP_BRIDGE_TEST_POSTGRES_RESTART is not set: \(DB.howToRun)")
        }
        let schema = DB.uniqueSchema("restart")
        let store = try await DB.openStore(schema: schema, connectionTimeout: .milliseconds(500))
        let acknowledged = NIOLockedValueBox([String]())
        let failures = NIOLockedValueBox([String: Int]())
        let slowest = NIOLockedValueBox(Duration.zero)
        let phase = NIOLockedValueBox(0)  // 0 before the restart, 1 during it, 2 after it
        let afterRestart = NIOLockedValueBox(0)
        let writers = 8
        let deadline = ContinuousClock.now + .seconds(90)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < deadline {
                        if phase.withLockedValue({ $0 }) == 2, afterRestart.withLockedValue({ $0 }) >= 400 { return }
                        n += 1
                        let id = "w\(writer)-\(n)"
                        let started = ContinuousClock.now
                        do {
                            try await store.markInFlight(id: id, at: F.t0)
                            acknowledged.withLockedValue { $0.append(id) }
                            if phase.withLockedValue({ $0 }) == 2 { afterRestart.withLockedValue { $0 += 1 } }
                        } catch {
                            let code = (error as? BridgeStoreError)?.code.description ?? "\(error)"
                            failures.withLockedValue { $0[code, default: 0] += 1 }
                        }
                        let took = ContinuousClock.now - started
                        slowest.withLockedValue { $0 = max($0, took) }
                    }
                }
            }
            group.addTask {
                // Restart once the stream is flowing.
                while acknowledged.withLockedValue({ $0.count }) < 300, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                phase.withLockedValue { $0 = 1 }
                try await Self.run(restart)
                phase.withLockedValue { $0 = 2 }
            }
            try await group.waitForAll()
        }
        let failed = failures.withLockedValue { $0 }
        #expect(afterRestart.withLockedValue { $0 } >= 400, "writes after the restart: \(afterRestart.withLockedValue { $0 })")
        #expect(failed.keys.allSatisfy { $0 == "writeFailed" }, "\(failed)")
        #expect((failed["writeFailed"] ?? 0) > 0, "no write failed while the server was down")
        #expect(slowest.withLockedValue { $0 } < .seconds(15), "slowest write: \(slowest.withLockedValue { $0 })")

        let ids = acknowledged.withLockedValue { $0 }
        await store.close()
        let check = try await DB.openStore(schema: schema)
        var missing: [String] = []
        for id in ids {
            if try await check.requestState(id: id) != .inFlight(since: F.t0) { missing.append(id) }
        }
        #expect(missing.isEmpty, "acknowledged but missing: \(missing.prefix(20)) of \(ids.count)")
        await check.close()
        await DB.dropSchema(schema)
    }

    /// Runs a shell command and waits for it (the restart script) without blocking a cooperative thread.
    static func run(_ command: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        if status != 0 { throw DB.Unavailable(description: "\(command) exited with \(status)") }
    }
}
