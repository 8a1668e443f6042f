import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// PostgreSQL restarted under a stream of writes. It restarts the shared test cluster, so deploy/test.sh runs it in
/// its second pass, where no other test uses PostgreSQL.
@Suite(.oneEndToEndSuiteAtATime, .timeLimit(.minutes(3))) struct PostgresStoreRestartTests {
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
        var debugLogger = Logger(label: "restart-debug")
        debugLogger.logLevel = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_POSTGRES_TRACE"] != nil ? .trace : .critical
        let store = try await PostgresBridgeStore(
            url: try DB.url(), schema: schema, logger: debugLogger, maximumConnections: 4,
            connectionTimeout: .milliseconds(500))
        let acknowledged = NIOLockedValueBox([String]())
        let failures = NIOLockedValueBox([String: Int]())
        let slowest = NIOLockedValueBox(Duration.zero)
        let phase = NIOLockedValueBox(0)  // 0 before the restart, 1 during it, 2 after it
        let afterRestart = NIOLockedValueBox(0)
        let reportedFailing = NIOLockedValueBox(false)  // `/readyz` store check: failing seen while writes failed
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
                            if store.health?.snapshot.failingSince != nil { reportedFailing.withLockedValue { $0 = true } }
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
        #expect(reportedFailing.withLockedValue { $0 }, "the store's health never said failing while writes failed")
        #expect(store.health?.snapshot.failingSince == nil, "still failing after 400 writes went through: \(String(describing: store.health?.snapshot))")

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

    /// Runs a shell command and waits for it (the restart script) on a thread of its own. Not with Foundation's
    /// Process: its termination was never reported here, as the server that `pg_ctl start` leaves running inherits
    /// what Process watches; `waitpid` waits for the shell alone.
    static func run(_ command: String) async throws {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, arguments + [nil], environ)
        guard spawned == 0 else { throw DB.Unavailable(description: "\(command): posix_spawn failed (\(spawned))") }
        let child = pid
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        let exitCode = (status >> 8) & 0xFF
        if status & 0x7F != 0 || exitCode != 0 {
            throw DB.Unavailable(description: "\(command) ended with status \(status)")
        }
    }
}
