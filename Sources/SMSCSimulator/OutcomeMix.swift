/// The weighted mix of delivery outcomes the simulator draws from for every accepted submit_sm.
///
/// Spelled as `--dlr-outcomes DELIVRD=90,UNDELIV=10`. A key is a stat (`DELIVRD`, `UNDELIV`, `EXPIRED`,
/// `REJECTD`, `DELETED`, `UNKNOWN`, `ACCEPTD`), `ENROUTE` (an ENROUTE receipt, then DELIVRD), or
/// `ENROUTE+STAT` (ENROUTE, then STAT). Weights are non-negative integers; they need not add up to 100.
public struct OutcomeMix: Sendable, Hashable, CustomStringConvertible {
    /// The outcomes and their weights, in the order given.
    public private(set) var entries: [Entry]
    private let total: UInt64

    /// One outcome and its weight.
    public struct Entry: Sendable, Hashable {
        /// The outcome.
        public var outcome: DeliveryOutcome
        /// Its weight.
        public var weight: UInt64

        /// Creates an entry.
        public init(outcome: DeliveryOutcome, weight: UInt64) {
            self.outcome = outcome
            self.weight = weight
        }
    }

    /// Every message delivered.
    public static let allDelivered = OutcomeMix(uncheckedEntries: [Entry(outcome: DeliveryOutcome(final: .delivered), weight: 1)])

    private init(uncheckedEntries: [Entry]) {
        self.entries = uncheckedEntries
        self.total = uncheckedEntries.reduce(0) { $0 &+ $1.weight }
    }

    /// Creates a mix; the weights must add up to more than 0.
    public init(entries: [Entry]) throws(SimulatorConfigurationError) {
        let total = entries.reduce(UInt64(0)) { $0 &+ $1.weight }
        guard total > 0 else {
            throw SimulatorConfigurationError(
                code: .invalidOutcomeMix, option: "--dlr-outcomes", value: "\(entries)", reason: "weights add up to 0")
        }
        self.init(uncheckedEntries: entries)
    }

    /// Parses the `--dlr-outcomes` spelling.
    public init(parsing text: String) throws(SimulatorConfigurationError) {
        func fail(_ reason: String) -> SimulatorConfigurationError {
            SimulatorConfigurationError(code: .invalidOutcomeMix, option: "--dlr-outcomes", value: text, reason: reason)
        }
        var entries: [Entry] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw fail("expected STAT=WEIGHT, got \"\(item)\"") }
            let key = pair[0].trimmingSpaces().uppercased()
            guard let weight = UInt64(pair[1].trimmingSpaces()), weight <= 1_000_000 else {
                throw fail("weight of \(key) must be an integer 0…1000000")
            }
            guard let outcome = Self.outcome(named: key) else {
                throw fail("unknown outcome \"\(key)\" (use DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, UNKNOWN, ACCEPTD, ENROUTE or ENROUTE+STAT)")
            }
            entries.append(Entry(outcome: outcome, weight: weight))
        }
        guard entries.contains(where: { $0.weight > 0 }) else { throw fail("weights add up to 0") }
        self.init(uncheckedEntries: entries)
    }

    private static func outcome(named key: String) -> DeliveryOutcome? {
        if key == "ENROUTE" { return DeliveryOutcome(intermediate: .enroute, final: .delivered) }
        if key.hasPrefix("ENROUTE+") {
            guard let final = ReceiptStat(rawValue: String(key.dropFirst(8))), final.isFinal else { return nil }
            return DeliveryOutcome(intermediate: .enroute, final: final)
        }
        guard let stat = ReceiptStat(rawValue: key), stat != .enroute else { return nil }
        return DeliveryOutcome(final: stat)
    }

    /// Draws one outcome with probability proportional to its weight.
    public func pick(using random: inout SimulatorRandom) -> DeliveryOutcome {
        var ticket = random.next() % total
        for entry in entries {
            if ticket < entry.weight { return entry.outcome }
            ticket -= entry.weight
        }
        // Unreachable while total is the sum of the weights; the last entry is a safe answer anyway.
        return entries[entries.count - 1].outcome
    }

    /// The `--dlr-outcomes` spelling of this mix.
    public var description: String {
        entries.map { "\($0.outcome)=\($0.weight)" }.joined(separator: ",")
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
