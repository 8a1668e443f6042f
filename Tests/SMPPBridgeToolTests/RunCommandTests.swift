import Foundation
import Testing

/// `smpp-bridge run` as the real process: it starts its service group and, with a broker that is not there, exits 1
/// with a one-line reason (not a trap, not a hang).
@Suite(.timeLimit(.minutes(1))) struct RunCommandTests {
    @Test(.enabled(if: !CheckConfigCommandTests.executable.isEmpty, "the smpp-bridge executable is not built"))
    func anUnreachableBrokerIsAOneLineReasonAndExitOne() throws {
        let directory = try CheckConfigCommandTests.emptyDirectory()
        let environment = [
            "SMPP_HOST": "127.0.0.1", "SMPP_PORT": "1", "SMPP_SYSTEM_ID": "run", "SMPP_PASSWORD": "Pq8!zT4w",
            "AMQP_URL": "amqp://guest:guest@127.0.0.1:1/", "STORE_PATH": directory + "/bridge.sqlite",
            "HTTP_PORT": "0", "LOG_FORMAT": "text",
        ]
        let (status, stdout, stderr) = try CheckConfigCommandTests.run(["run"], environment: environment)
        let output = stdout + stderr
        #expect(status == 1, "\(output)")
        #expect(output.contains("cannot start") && output.contains("amqp"), "\(output)")
        #expect(!output.contains("Pq8!zT4w"))
    }

    @Test(.enabled(if: !CheckConfigCommandTests.executable.isEmpty, "the smpp-bridge executable is not built"))
    func aBadConfigurationExitsOneBeforeStarting() throws {
        let (status, _, stderr) = try CheckConfigCommandTests.run(["run"], environment: ["HTTP_PORT": "many"])
        #expect(status == 1)
        #expect(stderr.contains("http.port") && stderr.contains("smpp.host"))
    }
}
