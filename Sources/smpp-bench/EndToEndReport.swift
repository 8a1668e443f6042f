/// The figures of one `smpp-bench e2e` run: the one JSON line it prints (keys sorted, snake_case).
struct EndToEndReport: Encodable, Sendable, Equatable {
    var benchmark = "e2e"
    /// The run part of the request ids.
    var run: String
    /// Whether the mix of alphabets and long messages was sent.
    var mix: Bool
    /// Requests published.
    var requests: Int
    /// Requests whose result was `accepted`.
    var accepted: Int
    /// Requests whose (first) result was anything else: `failed`, `rejected`, `expired`, `unknown`.
    var failedOrOther: Int
    /// Identical copies of a result already received (a republished result; allowed, counted).
    var duplicates: Int
    /// Second results that differ from the first (a broken contract).
    var conflicts: Int
    /// Receipts awaited: one per segment of every accepted request (0 without receipts).
    var receiptsExpected: Int
    /// Distinct final receipts received for this run's requests.
    var receipts: Int
    /// Repeated receipts (same request, message id and segment).
    var duplicateReceipts: Int
    /// Receipts the bridge published unmatched (`matched: false`).
    var unmatchedReceipts: Int
    /// Receipts matched to a request or segment whose result does not name their message id (a broken contract).
    var misattributedReceipts: Int
    /// Accepted results listing another number of segments than their request was sent as (a broken contract).
    var segmentMismatches: Int
    /// Events for requests of another run.
    var foreign: Int
    /// Event bodies that are not JSON objects.
    var unreadable: Int
    /// Results and receipts that did not arrive before the timeout.
    var missing: Int
    /// Whether the timeout ended the run.
    var timedOut: Bool
    /// First publish → last event, seconds.
    var seconds: Double
    /// Results per second over ``seconds``.
    var requestsPerSecond: Double
    /// Publish → result latency percentiles (nearest rank), milliseconds.
    var resultP50Milliseconds: Double
    var resultP99Milliseconds: Double
    /// The bridge process's CPU (user + system) over the run divided by the requests, µs; nil without a pid.
    var cpuMicrosecondsPerRequest: Double?
    /// The bridge process's peak RSS (VmHWM), MiB; nil without a pid.
    var peakRSSMegabytes: Double?

    enum CodingKeys: String, CodingKey {
        case benchmark, run, mix, requests, accepted, duplicates, conflicts, receipts, missing, seconds
        case failedOrOther = "failed_or_other", receiptsExpected = "receipts_expected"
        case duplicateReceipts = "duplicate_receipts", unmatchedReceipts = "unmatched_receipts"
        case misattributedReceipts = "misattributed_receipts", segmentMismatches = "segment_mismatches"
        case foreign, unreadable
        case timedOut = "timed_out", requestsPerSecond = "requests_per_s"
        case resultP50Milliseconds = "result_p50_ms", resultP99Milliseconds = "result_p99_ms"
        case cpuMicrosecondsPerRequest = "cpu_us_per_request", peakRSSMegabytes = "peak_rss_mb"
    }

    /// True when every result and receipt arrived, every request was accepted (the simulator accepts everything, as
    /// the C `feed` requires too), no request got two different results, no receipt went to another request or
    /// segment, every result listed its request's segments, and no event was unreadable. Duplicate and unmatched
    /// receipts are reported, not failed: receipts are at least once (DESIGN §4).
    var isComplete: Bool {
        missing == 0 && conflicts == 0 && failedOrOther == 0 && misattributedReceipts == 0 && segmentMismatches == 0
            && unreadable == 0
    }
}

extension EndToEndReport {
    /// The figures of a finished tally; `bridgeCPUMicroseconds` is the bridge's CPU over the run.
    init(
        tally: EndToEndTally, mix: Bool, timedOut: Bool, bridgeCPUMicroseconds: Int64?, bridgePeakKilobytes: Int64?
    ) {
        var seconds = 0.0
        if let first = tally.firstPublish, let last = tally.lastEvent {
            let elapsed = first.duration(to: last)
            seconds = max(0, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let latencies = tally.sortedLatencies
        func milliseconds(_ fraction: Double) -> Double {
            guard let value = percentile(latencies, fraction) else { return 0 }
            let components = value.components
            return ((Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15) * 10).rounded() / 10
        }
        self.init(
            run: tally.run, mix: mix, requests: tally.requests, accepted: tally.accepted,
            failedOrOther: tally.resultCount - tally.accepted, duplicates: tally.duplicates, conflicts: tally.conflicts,
            receiptsExpected: tally.expectsReceipts ? tally.acceptedSegments : 0, receipts: tally.receipts,
            duplicateReceipts: tally.duplicateReceipts, unmatchedReceipts: tally.unmatchedReceipts,
            misattributedReceipts: tally.misattributedReceipts, segmentMismatches: tally.segmentMismatches,
            foreign: tally.foreign, unreadable: tally.unreadable,
            missing: tally.missing, timedOut: timedOut, seconds: (seconds * 1000).rounded() / 1000,
            requestsPerSecond: seconds > 0 ? (Double(tally.resultCount) / seconds).rounded() : 0,
            resultP50Milliseconds: milliseconds(0.50), resultP99Milliseconds: milliseconds(0.99),
            cpuMicrosecondsPerRequest: bridgeCPUMicroseconds.map {
                (Double($0) / Double(max(1, tally.requests)) * 10).rounded() / 10
            },
            peakRSSMegabytes: bridgePeakKilobytes.map { (Double($0) / 1024 * 10).rounded() / 10 })
    }
}
