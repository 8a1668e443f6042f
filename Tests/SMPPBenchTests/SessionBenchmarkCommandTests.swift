import Foundation
import Testing

@testable import smpp_bench

@Suite struct SessionBenchmarkCommandTests {
    static let certificates = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Certificates").path

    @Test(.timeLimit(.minutes(1)))
    func boundedRunAgainstTheInProcessSimulatorOverTLS() async throws {
        let command = try SessionBenchmarkCommand.parse([
            "--sessions", "2", "--window", "5", "--count", "200", "--duration", "20",
            "--sim-cert", "\(Self.certificates)/server.pem", "--sim-key", "\(Self.certificates)/server.key",
            "--ca-file", "\(Self.certificates)/ca.pem",
        ])
        let report = try await command.sessionReport()
        #expect(report.tls)
        #expect(report.messages == 200)
        #expect(report.accepted == 200)
        #expect(report.failed == 0)
        #expect(report.latencyMilliseconds["p50"] ?? -1 >= 0)
        #expect(report.clientCPUMicrosecondsPerMessage >= 0)
    }
}
