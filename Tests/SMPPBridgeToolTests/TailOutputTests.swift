import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import RabbitMQ
import Testing

@testable import smpp_bridge

/// `smpp-bridge tail` writing into a pipe, as `tail mo | grep …` or `docker exec` without a terminal: each event
/// line arrives while the command runs, not in 4 KiB blocks (or never, when a signal ends it).
@Suite(.timeLimit(.minutes(1))) struct TailOutputTests {
    @Test(.enabled(if: ToolBroker.available && !CheckConfigCommandTests.executable.isEmpty, ToolBroker.skipReason))
    func eachEventLineReachesAPipeAtOnce() async throws {
        let (target, publisher) = try await ToolBroker.target()
        let secrets = try CheckConfigCommandTests.emptyDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CheckConfigCommandTests.executable)
        process.arguments = ["tail", "mo", "--secrets-dir", secrets]
        process.environment = ["AMQP_URL": ToolBroker.url ?? "", "AMQP_EXCHANGES_MO": target.broker.moExchange]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        let received = NIOLockedValueBox(Data())
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            received.withLockedValue { $0.append(data) }
        }
        try process.run()
        let body = #"{"type":"mo","text":"hola"}"#
        // The command binds its queue after it starts: publish until a line comes back (bounded, 20 s).
        var line = false
        for _ in 0..<100 where !line {
            try await publisher.publish(Array(body.utf8), exchange: target.broker.moExchange, routingKey: "mo.12345")
            try await Task.sleep(for: .milliseconds(200))
            line = received.withLockedValue { String(decoding: $0, as: UTF8.self).contains("mo.12345 \(body)\n") }
        }
        process.terminate()
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        #expect(line, "no event line reached the pipe while tail ran")
        await ToolBroker.cleanUp(target, publisher)
    }
}

extension TailOutputTests {
    /// The reader goes away (`tail mo | head -1`) while SIGPIPE is ignored (inherited from whoever started the
    /// command): the write fails with EPIPE and the command ends with 141, as SIGPIPE would have — not a crash.
    @Test(.enabled(if: ToolBroker.available && !CheckConfigCommandTests.executable.isEmpty, ToolBroker.skipReason))
    func aReaderThatWentAwayEndsTheCommandQuietly() async throws {
        let (target, publisher) = try await ToolBroker.target()
        let secrets = try CheckConfigCommandTests.emptyDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' PIPE; exec \"$0\" tail mo --secrets-dir \"$1\"",
                             CheckConfigCommandTests.executable, secrets]
        process.environment = ["AMQP_URL": ToolBroker.url ?? "", "AMQP_EXCHANGES_MO": target.broker.moExchange]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        try out.fileHandleForReading.close()
        for _ in 0..<100 where process.isRunning {
            try await publisher.publish(
                Array(#"{"type":"mo"}"#.utf8), exchange: target.broker.moExchange, routingKey: "mo.12345")
            try await Task.sleep(for: .milliseconds(200))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 141)
        await ToolBroker.cleanUp(target, publisher)
    }
}
