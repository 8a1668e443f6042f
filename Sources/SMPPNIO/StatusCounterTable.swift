public import Metrics
public import SMPP

/// Counters labelled by command_status, one per status — but only the first ``distinctUnnamedLimit`` unnamed ones
/// (vendor-specific or reserved) get a label of their own; later ones share `OTHER`, so an SMSC answering with
/// arbitrary values cannot grow the metric series (and this table) without bound. Not thread-safe: keep it under
/// the caller's lock.
public struct StatusCounterTable: Sendable {
    /// How many unnamed statuses are labelled one by one.
    public static let distinctUnnamedLimit = 32
    /// The label the unnamed statuses beyond the limit share.
    public static let otherLabel = "OTHER"

    private var byStatus: [UInt32: Counter] = [:]
    private var unnamed = 0
    private var other: Counter?

    /// An empty table.
    public init() {}

    /// The counter for `status`, made with `make(label)` the first time its label is needed.
    public mutating func counter(for status: CommandStatus, make: (String) -> Counter) -> Counter {
        if let counter = byStatus[status.rawValue] { return counter }
        if !status.isNamed {
            guard unnamed < Self.distinctUnnamedLimit else {
                if let other { return other }
                let counter = make(Self.otherLabel)
                other = counter
                return counter
            }
            unnamed += 1
        }
        let counter = make(status.name)
        byStatus[status.rawValue] = counter
        return counter
    }
}
