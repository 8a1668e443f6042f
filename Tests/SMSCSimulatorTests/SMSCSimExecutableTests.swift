import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SMPP
import Testing

/// The `smsc-sim` executable as scripts use it: flags, the listening line, stats lines, and a clean exit with
/// counters on SIGTERM.
@Suite(.timeLimit(.minutes(1))) struct SMSCSimExecutableTests {
    static let executable: String = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("smsc-sim").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
    }()

    /// Lines the process printed, handed out as they arrive.
    final class Lines: Sendable {
        private let stream: AsyncStream<String>
        private let continuation: AsyncStream<String>.Continuation
        private let partial = NIOLockedValueBox<[UInt8]>([])
        let all = NIOLockedValueBox<[String]>([])

        init() {
            (stream, continuation) = AsyncStream<String>.makeStream()
        }

        func feed(_ data: Data) {
            if data.isEmpty {
                continuation.finish()
                return
            }
            let lines = partial.withLockedValue { buffer -> [String] in
                buffer += data
                var lines: [String] = []
                while let newline = buffer.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                return lines
            }
            for line in lines {
                all.withLockedValue { $0.append(line) }
                continuation.yield(line)
            }
        }

        /// The first line (from now on) that starts with `prefix`; nil if the output ends first.
        func first(startingWith prefix: String) async -> String? {
            for await line in stream where line.hasPrefix(prefix) { return line }
            return nil
        }
    }

    @Test(.enabled(if: !executable.isEmpty, "the smsc-sim executable is not built next to the tests"))
    func runsUntilSIGTERMAndPrintsCounters() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "--listen", "127.0.0.1:0", "--account", "acme:secret:1", "--dlr-delay", "10",
            "--dlr-outcomes", "DELIVRD=1", "--message-id-format", "dec", "--seed", "5",
            "--message-id-start", "1000", "--stats-interval", "0.05", "--log-level", "error",
        ]
        let pipe = Pipe()
        let lines = Lines()
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { handle in lines.feed(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let listening = try #require(await lines.first(startingWith: "smsc-sim listening"))
        let plain = listening.split(separator: " ").first { $0.hasPrefix("plain=") }
        let port = try #require(plain?.split(separator: ":").last.flatMap { Int($0) })
        #expect(listening.contains("tls=-"))
        let client = try await TestSMPPClient.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: port), tls: false)
        #expect(try await client.bind(.transceiver).commandStatus == .ok)
        try await client.request(testSubmit())
        #expect(try await client.nextPDU().submitMessageID == "1000")
        let receipt = try await client.nextPDU()
        #expect(receipt.deliverSM?.tlvs.receiptedMessageID == "1000")
        try await client.answer(receipt)
        let stats = try #require(await lines.first(startingWith: "smsc-sim stats"))
        #expect(stats.contains("connections="))

        process.terminate()  // SIGTERM
        let stopped = try #require(await lines.first(startingWith: "smsc-sim stopped"))
        #expect(stopped.contains("SIGTERM"))
        #expect(stopped.contains("submits_accepted=1"))
        #expect(stopped.contains("binds_accepted=1"))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        await client.close()
    }
}
