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
