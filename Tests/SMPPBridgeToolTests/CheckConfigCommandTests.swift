import Foundation
import Testing

/// `smpp-bridge check-config` as an operator runs it: the real executable, its output and exit status.
@Suite(.timeLimit(.minutes(1))) struct CheckConfigCommandTests {
    static let executable: String = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent(),
        ]
        return candidates.map { $0.appendingPathComponent("smpp-bridge").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
    }()

    static let password = "Pq8!zT4w"

    /// Runs the executable with exactly `environment`; returns the exit status, stdout and stderr.
    static func run(_ arguments: [String], environment: [String: String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static func emptyDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "check-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(.enabled(if: !executable.isEmpty, "the smpp-bridge executable is not built next to the tests"))
    func printsTheEffectiveConfigurationWithSecretsMasked() throws {
        let directory = try Self.emptyDirectory()
        let file = directory + "/bridge.yaml"
        try """
            smpp:
              host: smsc.example.net
              system_id: acme
              window: 25
              source:
                addr: ACME
            amqp:
              url: "amqp://bridge:\(Self.password)@localhost/"
            log:
              format: json
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try Self.run(
            ["check-config", "--config", file, "--secrets-dir", directory],
            environment: ["SMPP_PASSWORD": Self.password, "SMPP_WINDOW": "30"])
        #expect(status == 0, "\(stderr)")
        let lines = stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("smpp.host = smsc.example.net"))
        #expect(lines.contains("smpp.window = 30"))
        #expect(lines.contains("smpp.source.addr = ACME"))
        #expect(lines.contains("smpp.password = ********"))
        #expect(lines.contains("amqp.url = ********"))
        #expect(lines.contains("log.format = json"))
        #expect(!stdout.contains(Self.password) && !stderr.contains(Self.password))
    }

    @Test(.enabled(if: !executable.isEmpty, "the smpp-bridge executable is not built next to the tests"))
    func printsEveryProblemOnStandardErrorAndExitsOne() throws {
        let directory = try Self.emptyDirectory()
        let (status, stdout, stderr) = try Self.run(
            ["check-config", "--secrets-dir", directory],
            environment: [
                "SMPP_PASSWORD": Self.password + "xyz", "SMPP_HOST": "h", "SMPP_SYSTEM_ID": "s",
                "AMQP_URL": "amqp://u:\(Self.password)@localhost:0/", "SMPP_MAX_ATTEMPTS": "0", "LOG_FORMAT": "xml",
            ])
        #expect(status == 1)
        #expect(stdout.isEmpty)
        let lines = stderr.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        #expect(lines == ["smpp.password", "smpp.max_attempts", "amqp.url", "log.format"])
        #expect(!stderr.contains(Self.password))
    }

    /// The TLS files the configuration names are checked here (the most common onboarding mistake showed only at
    /// `run`); `--skip-files` leaves them, for a configuration meant for another machine or container.
    @Test(.enabled(if: !executable.isEmpty, "the smpp-bridge executable is not built next to the tests"))
    func unreadableOrNonPEMTLSFilesAreProblems() throws {
        let directory = try Self.emptyDirectory()
        let notPEM = directory + "/ca.txt"
        try "not a certificate\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
        let base = ["SMPP_PASSWORD": "pw", "SMPP_HOST": "h", "SMPP_SYSTEM_ID": "s", "AMQP_URL": "amqp://127.0.0.1/"]
        let missing = try Self.run(
            ["check-config", "--secrets-dir", directory],
            environment: base.merging(["SMPP_TLS_CA_FILE": "/nonexistent/operator-ca.pem", "SMPP_TLS_CERT_FILE": notPEM,
                                       "SMPP_TLS_KEY_FILE": directory + "/absent.key"]) { $1 })
        #expect(missing.0 == 1 && missing.1.isEmpty)
        #expect(missing.2.split(separator: "\n").map(String.init) == [
            "smpp.tls.ca_file: /nonexistent/operator-ca.pem cannot be read",
            "smpp.tls.cert_file: \(notPEM) holds no PEM certificate",
            "smpp.tls.key_file: \(directory)/absent.key cannot be read",
        ], "\(missing.2)")
        let skipped = try Self.run(
            ["check-config", "--secrets-dir", directory, "--skip-files"],
            environment: base.merging(["SMPP_TLS_CA_FILE": "/nonexistent/operator-ca.pem"]) { $1 })
        #expect(skipped.0 == 0, "\(skipped.2)")
        let certificates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Certificates")
        let good = try Self.run(
            ["check-config", "--secrets-dir", directory],
            environment: base.merging(["SMPP_TLS_CA_FILE": certificates.appendingPathComponent("ca.pem").path]) { $1 })
        #expect(good.0 == 0, "\(good.2)")
    }
}
