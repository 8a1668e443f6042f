public import struct Foundation.Date
public import struct SMPP.GSMNationalLanguageShift

/// The bridge's durable memory (DESIGN §3): request outcomes for dedup, in-flight marks for crash recovery, the
/// receipt correlation of every submitted segment, and the parts of long MO messages still being joined.
///
/// Implementations group writes: many callers' writes share one transaction, and each call returns only after the
/// transaction holding its write has committed (never an fsync per message). Every method may be called from any
/// task at any time; calls from one task are applied in call order.
public protocol BridgeStore: Sendable {
    /// Where request `id` stands, or nil when the store has never seen it (or its record expired).
    func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState?

    /// Records that submission of request `id` starts now. A bridge that dies after this and before
    /// ``complete(_:)`` finds the mark on redelivery and treats the outcome as unknown (DESIGN §3 step 2).
    /// Overwrites an earlier in-flight mark (counting it: ``StoredRequestState/inFlight(since:marks:)``); never
    /// overwrites a completed request.
    func markInFlight(id: String, at: Date) async throws(BridgeStoreError)

    /// Where request `id` stood before this call; unless it was completed, the request is marked in flight at `at`
    /// (``requestState(id:)`` and ``markInFlight(id:at:)`` as one step: one round trip on the per-request path).
    func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState?

    /// Forgets the in-flight mark that ``beginRequest(id:at:)`` set at `markedAt`, for a request handed back before
    /// any of its segments was sent (so its redelivery is not taken for a crash mid-submit). Does nothing when the
    /// request was completed or marked again since (another instance, a later attempt).
    func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError)

    /// Puts back the count of the mark ``beginRequest(id:at:)`` found (`marks`) on the mark it set at `markedAt`, for a
    /// request found in flight and handed back before any of its segments was sent again: the request stays in
    /// flight (its redelivery flagged: an earlier delivery may have submitted it), this delivery is not counted. The
    /// mark keeps `markedAt`, so it ages from now for the purge of old marks. Does nothing when the request was
    /// completed or marked again since.
    func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError)

    /// Records the final outcome of a request and the receipt correlation of its accepted segments, in one
    /// transaction. Returns nil when this outcome was stored, else what the store holds instead (nothing stored):
    /// - `.completed(first)`: the request was completed first (another delivery of it — with a shared store, another
    ///   instance): the caller publishes that outcome instead of its own, so the request has one result.
    /// - `.inFlight(since:)`: the completion names the mark it set (``RequestCompletion/markedAt``) and the request
    ///   was marked in flight again since (another instance took it over and may submit it too): the caller flags
    ///   its result `possible_duplicate` and completes again without a mark.
    @discardableResult
    func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState?

    /// ``beginRequest(id:at:)`` without a task: `then` gets its result on whichever thread the store finished it
    /// (it must be quick). The default runs the async call in a task of its own.
    func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void)

    /// ``complete(_:)`` without a task: `then` gets its result on whichever thread the store finished it (it must
    /// be quick). The default runs the async call in a task of its own.
    func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void)

    /// Adds correlations outside a completion (a submit_sm_resp that arrived after its timeout). Existing keys are
    /// overwritten.
    func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError)

    /// The correlation recorded under the first of `keys` that has one (keys from
    /// `MessageIDMatching.matchKeys(for:format:side: .receipt)`), or nil.
    func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation?

    /// Stores one part of a long MO message and returns every part stored for its group so far (this one included),
    /// in part order. A part whose index is already stored replaces it (an SMSC redelivery).
    func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart]

    /// The parts stored for group `key` now, in part order; empty when it has none.
    func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart]

    /// Forgets `parts`, as read from the store, once their message was published, and their groups' sweep claims;
    /// with `id`, also the event id remembered for that message, if it is still `id` — in the same transaction, so the
    /// id written ahead of a group's publish lives exactly as long as the group (DESIGN §3 "MO event ids").
    /// A part goes only while it is stored as read (same group, index and arrival time): a part stored again since,
    /// or added meanwhile by another instance sharing the store, stays for a later publish.
    func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError)

    /// Every group whose first part arrived before `cutoff`, each with its parts in part order.
    func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]]

    /// The timeout sweep's share of ``moGroups(firstReceivedBefore:)``: every group whose first part arrived before
    /// `cutoff` and that no sweep holds at `now`, each claimed until `claimedUntil` in the same step, so sweeps of
    /// several instances sharing one store never both publish one group. The caller publishes each (as
    /// ``moGroup(key:)`` reads it then) and removes what it published with ``removeMOParts(_:forgetting:)``; a group it could not
    /// publish is offered again once its claim has expired.
    func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]]

    /// Remembers `eventID` under `key` (a hash of an MO's content, see `InboundProcessor.moContentKey`): the id of
    /// an MO the broker may hold without having confirmed it, so the SMSC's redelivery of it — to any instance
    /// sharing the store — is published under the same id. Replaces an id remembered earlier under `key`.
    func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError)

    /// The id remembered under `key` at `notBefore` or later, forgotten now (each is used once, by one caller);
    /// nil when there is none.
    func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String?

    /// Deletes completed request records, correlations and remembered MO ids older than `cutoff`, and in-flight
    /// marks older than `markCutoff` (much earlier: a request redelivered after an outage longer than the TTL must
    /// still be found in flight and flagged; a mark whose message is gone — dead-lettered, expired, purged — would
    /// otherwise stay for ever); returns how many rows went. MO parts stay (the timeout sweep publishes each group,
    /// then removes it).
    @discardableResult
    func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int

    /// Commits what is pending and releases the file or connection. Later calls fail with `.closed`.
    func close() async

    /// Whether the store's transactions and reads are going through (`/readyz`); nil for a store that does not
    /// report it (the default).
    var health: StoreHealth? { get }
}

/// What the store knows of a request id.
public enum StoredRequestState: Sendable, Hashable {
    /// Submission started at this time and no outcome was recorded: the bridge stopped mid-submit. `marks`: how many
    /// deliveries have marked it in flight so far (each may have submitted it; a mark released because nothing was
    /// sent starts the count again).
    case inFlight(since: Date, marks: Int = 1)
    /// The request is finished; its result event is kept byte for byte for republishing.
    case completed(StoredResult)
}

/// A finished request's result event, exactly as first published.
public struct StoredResult: Sendable, Hashable {
    /// The event's AMQP `message_id` (a fresh id when first published; reused on every republish).
    public var eventID: String
    /// The result `status` (`accepted`, `failed`, `rejected`, `expired`, `unknown`).
    public var status: String
    /// The routing key it was published with (`submit.<status>`).
    public var routingKey: String
    /// The JSON body, byte for byte.
    public var body: [UInt8]
    /// When it was completed.
    public var completedAt: Date

    /// Creates a stored result.
    public init(eventID: String, status: String, routingKey: String, body: [UInt8], completedAt: Date) {
        self.eventID = eventID
        self.status = status
        self.routingKey = routingKey
        self.body = body
        self.completedAt = completedAt
    }
}

/// One request's final outcome with the correlations of its accepted segments.
public struct RequestCompletion: Sendable, Hashable {
    /// The request id.
    public var requestID: String
    /// The result event.
    public var result: StoredResult
    /// One per accepted segment (none for a request that was never accepted).
    public var correlations: [ReceiptCorrelation]
    /// The in-flight mark this delivery set (``BridgeStore/beginRequest(id:at:)``'s `at`), when the outcome holds
    /// only while no other delivery has marked the request since: an unflagged result of segments this delivery
    /// sent. Nil: stored whatever the mark (a result that is flagged already, or says nothing was sent).
    public var markedAt: Date?

    /// Creates a completion.
    public init(requestID: String, result: StoredResult, correlations: [ReceiptCorrelation], markedAt: Date? = nil) {
        self.requestID = requestID
        self.result = result
        self.correlations = correlations
        self.markedAt = markedAt
    }
}

/// What a receipt for one submitted segment is matched back to.
public struct ReceiptCorrelation: Sendable, Hashable {
    /// The store keys of the segment's message_id (`MessageIDMatching.matchKeys(for:format:side: .submitResponse)`).
    public var keys: [String]
    /// The message_id exactly as the SMSC returned it in submit_sm_resp.
    public var messageID: String
    /// The request id.
    public var requestID: String
    /// 1-based segment index.
    public var segment: Int
    /// How many segments the request had.
    public var segments: Int
    /// The request's destination, as in the request.
    public var to: String
    /// The request's sender, as submitted.
    public var from: String
    /// The request's `metadata` object as JSON bytes, or nil when it had none.
    public var metadata: [UInt8]?
    /// When the segment was accepted.
    public var submittedAt: Date

    /// Whether this correlation may take `key` from `existing`, the one recorded under it so far: always, except
    /// that a secondary key (a reading of the id in another base, `smpp.message_id_format: auto`) never displaces a
    /// segment whose primary key it is — under a dense decimal counter the hex reading of one id is often another
    /// id, and the receipt for that other id must still find its own segment. Every store applies this rule.
    public func mayReplace(_ existing: ReceiptCorrelation, under key: String) -> Bool {
        existing.keys.first != key || keys.first == key
    }

    /// Creates a correlation.
    public init(
        keys: [String], messageID: String, requestID: String, segment: Int, segments: Int, to: String, from: String,
        metadata: [UInt8]?, submittedAt: Date
    ) {
        self.keys = keys
        self.messageID = messageID
        self.requestID = requestID
        self.segment = segment
        self.segments = segments
        self.to = to
        self.from = from
        self.metadata = metadata
        self.submittedAt = submittedAt
    }
}

/// An MO event id remembered under the hash of the MO's content (``BridgeStore/rememberUnconfirmedMO(key:eventID:at:)``).
public struct RememberedMOID: Sendable, Hashable {
    /// The content hash (`InboundProcessor.moContentKey`).
    public var key: String
    /// The event id.
    public var eventID: String

    /// Creates the pair.
    public init(key: String, eventID: String) {
        self.key = key
        self.eventID = eventID
    }
}

/// One part of a long MO message, kept until every part is there.
public struct StoredMOPart: Sendable, Hashable {
    /// The group key: source, destination, reference and total (see `MOAssembler`).
    public var groupKey: String
    /// 1-based part index.
    public var index: Int
    /// How many parts the message has.
    public var total: Int
    /// The part's user data without its UDH (octets as received).
    public var payload: [UInt8]
    /// data_coding of the part.
    public var dataCoding: UInt8
    /// Source address.
    public var from: String
    /// Destination address.
    public var to: String
    /// When the part arrived.
    public var receivedAt: Date
    /// The national language tables the part's UDH names (GSM 7-bit text read with them).
    public var nationalLanguageShift: GSMNationalLanguageShift

    /// Creates a part.
    public init(
        groupKey: String, index: Int, total: Int, payload: [UInt8], dataCoding: UInt8, from: String, to: String,
        receivedAt: Date, nationalLanguageShift: GSMNationalLanguageShift = .none
    ) {
        self.groupKey = groupKey
        self.index = index
        self.total = total
        self.payload = payload
        self.dataCoding = dataCoding
        self.from = from
        self.to = to
        self.receivedAt = receivedAt
        self.nationalLanguageShift = nationalLanguageShift
    }
}

/// A store failure: an opaque code, the path or key at fault, and the underlying error's text.
public struct BridgeStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case cannotOpen, corrupt, locked, readOnly, migrationFailed, writeFailed, readFailed, closed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file or database could not be opened (missing directory, permissions, unreachable server).
        public static let cannotOpen = Code(.cannotOpen)
        /// The file is not a database, or fails its integrity check.
        public static let corrupt = Code(.corrupt)
        /// Another process holds the file.
        public static let locked = Code(.locked)
        /// The file or its directory is not writable.
        public static let readOnly = Code(.readOnly)
        /// The schema could not be created or migrated (e.g. a newer format than this version knows).
        public static let migrationFailed = Code(.migrationFailed)
        /// A write transaction failed; nothing of it was committed.
        public static let writeFailed = Code(.writeFailed)
        /// A read failed.
        public static let readFailed = Code(.readFailed)
        /// The store was closed.
        public static let closed = Code(.closed)
        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// Where: the file path (never a password) or the key.
    public var location: String
    /// The underlying error's text.
    public var detail: String

    /// Creates an error.
    public init(code: Code, location: String, detail: String) {
        self.code = code
        self.location = location
        self.detail = detail
    }

    /// One line: code, location and detail.
    public var description: String { "store \(code) (\(location)): \(detail)" }
}

extension BridgeStore {
    /// Not reported.
    public var health: StoreHealth? { nil }

    /// Runs ``beginRequest(id:at:)`` in a task of its own, then `then`.
    public func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        inTask({ () async throws(BridgeStoreError) in try await beginRequest(id: id, at: at) }, then: then)
    }

    /// Runs ``complete(_:)`` in a task of its own, then `then`.
    public func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        inTask({ () async throws(BridgeStoreError) in try await complete(completion) }, then: then)
    }
}

/// Runs `body` in a task of its own and hands its outcome to `then`.
private func inTask<Value: Sendable>(
    _ body: @escaping @Sendable () async throws(BridgeStoreError) -> Value,
    then: @escaping @Sendable (Result<Value, BridgeStoreError>) -> Void
) {
    Task {
        do throws(BridgeStoreError) {
            then(.success(try await body()))
        } catch {
            then(.failure(error))
        }
    }
}
