/// The bookkeeping of one `smpp-bench e2e` run, without I/O: when each request was published, its result, and the
/// receipts of its segments. Time is an input (`at:`); the caller reads the clock.
///
/// Request ids are `<run>-<index>` with index 1...requests; events for other ids are counted as `foreign` and
/// otherwise ignored (another run's leftovers, another producer). Checks, as the C `feed` does: exactly one result
/// per request (an identical copy is a `duplicate`, a different second result a `conflict`), and one final receipt
/// per segment of every accepted request (a repeated receipt is a `duplicate_receipt`). Beyond the feed: a receipt
/// counts only for a segment its request's result lists, and only when its message id is that segment's (read as
/// the bridge matches ids: `MessageIDMatching`, `auto`); another is `misattributed`, whether it came before or after
/// that result. An accepted result must list the segments its request was sent as (`expectedSegments`; else a
/// `segment_mismatch`).
struct EndToEndTally {
    /// The run part of the request ids.
    let run: String
    /// How many requests the run publishes.
    let requests: Int
    /// Whether a receipt per accepted segment is awaited.
    let expectsReceipts: Bool

    /// How many segments request `index`'s text is sent as.
    let expectedSegments: @Sendable (Int) -> Int

    private var sentAt: [ContinuousClock.Instant?]
    private var results: [[UInt8]?]
    /// The final receipts received per request (segment → the match keys of its message id), and the segments its
    /// result expects receipts for, with their ids' match keys (nil until the result came).
    private var receivedReceipts: [[Int: Set<String>]]
    private var expectedReceipts: [[Int: Set<String>]?]
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
    /// Receipts matched to a request or segment whose result does not name their message id.
    private(set) var misattributedReceipts = 0
    /// Accepted results listing another number of segments than their request was sent as.
    private(set) var segmentMismatches = 0
    /// Receipts the bridge could not match (`matched: false`) or that name no request.
    private(set) var unmatchedReceipts = 0
    private(set) var foreign = 0
    private(set) var unreadable = 0
    private var latencies: [Duration] = []

    /// A tally for `requests` requests with ids `<run>-1` … `<run>-<requests>`.
    init(
        run: String, requests: Int, expectsReceipts: Bool, expectedSegments: @escaping @Sendable (Int) -> Int = { _ in 1 }
    ) {
        self.run = run
        self.requests = requests
        self.expectsReceipts = expectsReceipts
        self.expectedSegments = expectedSegments
        sentAt = Array(repeating: nil, count: requests + 1)
        results = Array(repeating: nil, count: requests + 1)
        receivedReceipts = Array(repeating: [:], count: requests + 1)
        expectedReceipts = Array(repeating: nil, count: requests + 1)
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
        case .result(let index, let body, let isAccepted, let segments, let ids):
            if let first = results[index] {
                if first == body { duplicates += 1 } else { conflicts += 1 }
                return
            }
            results[index] = body
            resultCount += 1
            if let sent = sentAt[index] { latencies.append(sent.duration(to: now)) }
            expectedReceipts[index] = ids
            if isAccepted {
                accepted += 1
                acceptedSegments += ids.count
                if segments != expectedSegments(index) { segmentMismatches += 1 }
            }
            // Receipts that came before their result count now.
            for (segment, idKeys) in receivedReceipts[index] { countReceipt(segment, idKeys, expected: ids) }
        case .receipt(let index, let segment, let idKeys):
            guard receivedReceipts[index][segment] == nil else {
                duplicateReceipts += 1
                return
            }
            receivedReceipts[index][segment] = idKeys
            if let expected = expectedReceipts[index] { countReceipt(segment, idKeys, expected: expected) }
        case .interimReceipt: break
        case .unmatchedReceipt: unmatchedReceipts += 1
        case .foreign: foreign += 1
        case .unreadable: unreadable += 1
        }
    }

    private mutating func countReceipt(_ segment: Int, _ idKeys: Set<String>, expected: [Int: Set<String>]) {
        if let segmentKeys = expected[segment], !segmentKeys.isDisjoint(with: idKeys) {
            receipts += 1
        } else {
            misattributedReceipts += 1
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
