import ArgumentParser
import Foundation

/// `smpp-bench e2e`: the end-to-end benchmark of the running system (RabbitMQ, the bridge as its own process,
/// an SMSC with receipts): publishes N requests, waits for every result and receipt, prints one JSON line
/// (``EndToEndReport``) and exits non-zero when a check fails (``EndToEndReport/isComplete``). See
/// ``EndToEndBenchmark`` for how it measures.
struct EndToEndBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "End to end through a running bridge: requests/s, result p50/p99, bridge CPU µs/request, peak RSS.",
        discussion: """
            Binds private auto-delete queues to the results and dlr exchanges, publishes N persistent, confirmed \
            requests (ids <run>-<index>) to the bridge's queue and waits for one result per request and a final \
            receipt per accepted segment. Prints one JSON line; exits 1 when anything is missing, a request got \
            two different results or one other than accepted (run it against a simulator without fault rates), a \
            receipt went to another request or segment, or a result listed other segments than its text is sent as \
            (--mix assumes a concatenation mode other than payload).
            """)

    @Option(help: "Broker URL (default: $SMPP_BRIDGE_TEST_AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/).")
    var amqpURL: String?
    @Option(help: "The bridge's request queue.") var queue = "smpp.outbound"
    @Option(help: "The bridge's results exchange.") var resultsExchange = "smpp.results"
    @Option(help: "The bridge's receipts exchange.") var dlrExchange = "smpp.dlr"
    @Option(name: [.customShort("n"), .long], help: "Requests to publish.") var requests = 10_000
    @Option(help: "Publishes awaiting their confirm at any time (no pacing).") var window = 1_000
    @Option(help: "Prefetch of each event consumer.") var prefetch: UInt16 = 2_000
    @Flag(inversion: .prefixedNo, help: "Ask for and await a receipt per accepted segment.") var receipts = true
    @Flag(help: "Mix GSM extension characters, UCS2 and long (2–3 segment) messages into the short GSM texts.")
    var mix = false
    @Option(help: "Upper bound on the run, seconds.") var timeout: Double = 300
    @Option(help: "The bridge's process id: report its CPU µs per request and peak RSS.") var bridgePID: Int32?
    @Option(name: .customLong("run"), help: "The run part of the request ids (default: random).") var runID: String?

    func validate() throws {
        guard (1...1_000_000).contains(requests) else { throw ValidationError("--requests must be 1...1000000") }
        guard (1...100_000).contains(window) else { throw ValidationError("--window must be 1...100000") }
        guard prefetch >= 1 else { throw ValidationError("--prefetch must be positive") }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be 0–86400 seconds") }
        if let runID, runID.isEmpty || runID.utf8.count > 32 || runID.contains(where: { $0.isWhitespace }) {
            throw ValidationError("--run must be 1–32 characters without spaces")
        }
    }

    /// The core's settings from the options and the environment.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) -> EndToEndBenchmark.Settings {
        var settings = EndToEndBenchmark.Settings(
            amqpURL: amqpURL ?? environment["SMPP_BRIDGE_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/")
        settings.queue = queue
        settings.resultsExchange = resultsExchange
        settings.dlrExchange = dlrExchange
        settings.requests = requests
        settings.window = window
        settings.prefetch = prefetch
        settings.receipts = receipts
        settings.mix = mix
        settings.timeout = .milliseconds(Int64(timeout * 1000))
        settings.bridgePID = bridgePID
        if let runID { settings.run = runID }
        return settings
    }

    func run() async throws {
        let report: EndToEndReport
        do {
            report = try await EndToEndBenchmark(settings: settings()).run()
        } catch let failure as EndToEndFailure {
            FileHandle.standardError.write(Data("smpp-bench e2e: \(failure)\n".utf8))
            throw ExitCode(2)
        }
        try printJSONLine(report)
        if !report.isComplete { throw ExitCode(1) }
    }
}
