import Foundation
import Testing

@testable import smpp_bench

/// Bounded tiny runs of `smpp-bench store` on both stores; they never assert speed.
@Suite(.timeLimit(.minutes(1))) struct StoreBenchmarkCommandTests {
    @Test func boundedRunOnSQLite() async throws {
        let report = try await StoreBenchmarkCommand.parse(["--count", "300", "--concurrency", "30"]).storeReport()
        #expect(report.store == "sqlite")
        #expect(report.count == 300)
        #expect(report.transactions >= 1 && report.transactions <= 600)
        #expect(report.cpuMicrosecondsPerRequest > 0)
    }

    @Test func boundedRunOnPostgreSQL() async throws {
        guard let url = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_POSTGRES_URL"], !url.isEmpty else {
            Issue.record("SMPP_BRIDGE_TEST_POSTGRES_URL is not set: deploy/postgres.sh start && eval \"$(deploy/postgres.sh env)\"")
            return
        }
        let report = try await StoreBenchmarkCommand.parse(["--url", url, "--count", "300", "--concurrency", "30"])
            .storeReport()
        #expect(report.store == "postgres")
        #expect(report.count == 300)
        #expect(report.transactions >= 1 && report.transactions <= 600)
    }

    @Test func urlAndPathTogetherAreRefused() {
        #expect(throws: (any Error).self) {
            try StoreBenchmarkCommand.parse(["--url", "postgres://u@h/d", "--path", "/tmp/x.sqlite"])
        }
    }
}
