import Foundation
import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

/// Our simulator driven by an SMPP client that is not ours: python-smpplib from PyPI, installed by
/// deploy/python-env.sh (called from deploy/test.sh) into deploy/.state/venv. Skipped, visibly, without it.
@Suite(.timeLimit(.minutes(1))) struct InteropSmpplibTests {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let python = repositoryRoot + "/deploy/.state/venv/bin/python"
    static let script = repositoryRoot + "/Tests/Interop/smpplib_client.py"
    static let venvPresent = FileManager.default.isExecutableFile(atPath: python)

    struct ClientReport: Decodable {
        struct Submitted: Decodable {
            var label: String
            var data_coding: Int
            var esm_class: Int
            var short_message_hex: String
            var message_id: String?
            var status: Int?
        }
        struct Receipt: Decodable {
            var receipted_message_id: String
            var message_state: Int?
            var esm_class: Int
            var text: String
        }
        var submitted: [Submitted]
        var receipts: [Receipt]
        var refused_first: [Receipt]
        var tls: Bool
    }

    @Test("smpplib binds over TLS, submits GSM7, UCS2 and a concatenated message, gets every receipt",
          .enabled(if: venvPresent, "deploy/.state/venv with smpplib is missing: run deploy/python-env.sh"))
    func smpplibAgainstSimulator() async throws {
        try await withSimulator(tls: true, { $0.dlrDelayMilliseconds = 30; $0.redeliveryDelayMilliseconds = 100 }) { simulator, address in
            let port = try #require(address.port)
            let (status, output) = try await Self.runClient(arguments: [
                "--port", "\(port)", "--ca", CertificatePaths.ca, "--system-id", "acme", "--password", "secret",
            ])
            #expect(status == 0, "smpplib client exited \(status): \(output)")
            let report = try JSONDecoder().decode(ClientReport.self, from: Data(output.utf8))
            #expect(report.tls)
            #expect(Set(report.submitted.map(\.label)) == ["gsm7", "ucs2", "concat"])
            #expect(report.submitted.filter { $0.label == "concat" }.count >= 2)
            #expect(report.submitted.allSatisfy { $0.status == 0 && $0.message_id != nil })

            // Each submitted part arrived exactly once and byte for byte.
            let records = simulator.records()
            #expect(records.count == report.submitted.count)
            #expect(Set(records.map(\.messageID)).count == records.count)
            for sent in report.submitted {
                let matching = records.filter { $0.messageID == sent.message_id }
                #expect(matching.count == 1, "message \(sent.label) recorded \(matching.count) times")
                guard let record = matching.first else { continue }
                #expect(SubmitRecord.hex(record.udh + record.payload) == sent.short_message_hex)
                #expect(Int(record.dataCoding) == sent.data_coding)
                #expect(Int(record.esmClass) == sent.esm_class)
                #expect(record.sourceAddress == "SMPPLIB" && record.destinationAddress == "573001112233")
            }
            let ucs2 = records.first { $0.dataCoding == 8 }.map { utf16BigEndian($0.payload) }
            #expect(ucs2 == "Привет, мир! こんにちは ✓")

            // One final receipt per part; the first one was refused with ESME_RX_T_APPN and came again.
            #expect(Set(report.receipts.map(\.receipted_message_id)) == Set(report.submitted.compactMap(\.message_id)))
            #expect(report.receipts.count == report.submitted.count)
            #expect(report.receipts.allSatisfy { $0.esm_class == 4 && $0.message_state == 2 && $0.text.contains("stat:DELIVRD") })
            let refused = try #require(report.refused_first.first)
            #expect(report.receipts.contains { $0.receipted_message_id == refused.receipted_message_id })
            #expect(simulator.counters.deliveriesRetried == 1)
            #expect(simulator.counters.unbindsReceived == 1)
        }
    }

    /// Runs the smpplib client script; returns its exit status and stdout.
    static func runClient(arguments: [String]) async throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("smpplib-\(UUID().uuidString).json").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.standardOutput = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        return (status, try String(contentsOfFile: outputPath, encoding: .utf8))
    }
}

/// Decodes UTF-16BE octets (UCS2 with surrogates) for the assertion above.
private func utf16BigEndian(_ bytes: [UInt8]) -> String {
    let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    return String(decoding: units, as: UTF16.self)
}
