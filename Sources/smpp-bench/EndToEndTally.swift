/// The bookkeeping of one `smpp-bench e2e` run, without I/O: when each request was published, its result, and the
/// receipts of its segments. Time is an input (`at:`); the caller reads the clock.
///
/// Request ids are `<run>-<index>` with index 1...requests; events for other ids are counted as `foreign` and
/// otherwise ignored (another run's leftovers, another producer). Checks, as the C `feed` does: exactly one result
/// per request (an identical copy is a `duplicate`, a different second result a `conflict`), and one final receipt
/// per segment of every accepted request (a repeated receipt is a `duplicate_receipt`).
struct EndToEndTally {
    /// The run part of the request ids.
    let run: String
    /// How many requests the run publishes.
    let requests: Int
    /// Whether a receipt per accepted segment is awaited.
    let expectsReceipts: Bool

    private var sentAt: [ContinuousClock.Instant?]
    private var results: [[UInt8]?]
    private var receiptKeys: [Set<String>]
    private(set) var firstPublish: ContinuousClock.Instant?
    private(set) var lastEvent: ContinuousClock.Instant?
    private(set) var resultCount = 0
    private(set) var accepted = 0
    /// Segments of the accepted requests: the receipts awaited.
    private(set) var acceptedSegments = 0
    private(set) var receipts = 0
    private(set) var duplicates = 0
    private(set) var conflicts = 0
    private(set) var duplicateReceipts = 0
    /// Receipts the bridge could not match (`matched: false`) or that name no request.
    private(set) var unmatchedReceipts = 0
    private(set) var foreign = 0
    private(set) var unreadable = 0
    private var latencies: [Duration] = []

    /// A tally for `requests` requests with ids `<run>-1` … `<run>-<requests>`.
    init(run: String, requests: Int, expectsReceipts: Bool) {
        self.run = run
        self.requests = requests
        self.expectsReceipts = expectsReceipts
        sentAt = Array(repeating: nil, count: requests + 1)
        results = Array(repeating: nil, count: requests + 1)
        receiptKeys = Array(repeating: [], count: requests + 1)
        latencies.reserveCapacity(requests)
    }

    /// Reads event bodies for this run.
    var reader: EndToEndEventReader { EndToEndEventReader(run: run, requests: requests) }

    /// Request `index` is about to be published.
    mutating func published(_ index: Int, at now: ContinuousClock.Instant) {
        guard (1...requests).contains(index) else { return }
        sentAt[index] = now
        if firstPublish == nil { firstPublish = now }
    }

    /// Counts an event that arrived at `now`.
    mutating func record(_ event: EndToEndEventReader.Event, at now: ContinuousClock.Instant) {
        lastEvent = now
        switch event {
        case .result(let index, let body, let isAccepted, let segments):
            if let first = results[index] {
                if first == body { duplicates += 1 } else { conflicts += 1 }
                return
            }
            results[index] = body
            resultCount += 1
            if let sent = sentAt[index] { latencies.append(sent.duration(to: now)) }
            if isAccepted {
                accepted += 1
                acceptedSegments += segments
            }
        case .receipt(let index, let key):
            if receiptKeys[index].insert(key).inserted { receipts += 1 } else { duplicateReceipts += 1 }
        case .interimReceipt: break
        case .unmatchedReceipt: unmatchedReceipts += 1
        case .foreign: foreign += 1
        case .unreadable: unreadable += 1
        }
    }

    /// Every result is in and, when receipts are awaited, a receipt for every accepted segment.
    var isComplete: Bool {
        resultCount >= requests && (!expectsReceipts || receipts >= acceptedSegments)
    }

    /// Results and receipts still missing.
    var missing: Int {
        (requests - resultCount) + (expectsReceipts ? max(0, acceptedSegments - receipts) : 0)
    }

    /// Result latencies (publish → result), ascending.
    var sortedLatencies: [Duration] { latencies.sorted() }
}
