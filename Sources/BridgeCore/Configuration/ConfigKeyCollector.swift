import ConfigKeys
import Configuration

/// Reads the keys of one scope (`smpp`, `amqp`, …) through ``StrictConfigReader`` and keeps every problem, so that
/// ``BridgeConfiguration/init(configReader:)`` reports them all at once instead of stopping at the first. A key
/// with a problem takes its default, which is never used: the configuration is refused.
struct ConfigKeyCollector {
    /// The scope's reads, each problem kept.
    private var reads: ConfigValueErrorCollector
    /// The scope's strict reader.
    var keys: StrictConfigReader { reads.keys }
    /// One line per problem, `scope.key: reason`, in reading order. Never a secret's value.
    var problems: [String] { reads.errors.map(\.description) }

    init(keys: StrictConfigReader) {
        reads = ConfigValueErrorCollector(keys: keys)
    }

    /// A collector for the keys under `scope` (`smpp`, `amqp`, …) of an unscoped reader.
    init(scope: String, of reader: ConfigReader) {
        self.init(keys: StrictConfigReader(reader: reader.scoped(to: ConfigKey(scope)), prefix: scope))
    }

    /// Records a problem with `key` (relative to the scope).
    mutating func fail(_ key: String, _ reason: String) {
        reads.fail(key, reason)
    }

    /// Runs one read; a malformed value becomes a problem and nil.
    mutating func read<Value>(_ body: (StrictConfigReader) throws(ConfigValueError) -> Value?) -> Value? {
        reads.read(body)
    }

    /// A string of at most `maxLength` octets (and not empty when `allowEmpty` is false), or nil when absent.
    mutating func string(_ key: String, maxLength: Int = 255, allowEmpty: Bool = true, isSecret: Bool = false)
        -> String?
    {
        guard let value = reads.string(key, isSecret: isSecret) else {
            return nil
        }
        if !allowEmpty, value.isEmpty {
            fail(key, "must not be empty")
            return nil
        }
        if value.utf8.count > maxLength {
            fail(key, "is longer than \(maxLength) octets")
            return nil
        }
        return value
    }

    /// An integer in `range`, or nil when absent.
    mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = reads.int(key) else { return nil }
        guard range.contains(value) else {
            fail(key, "\(value) is not in \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A boolean, or nil when absent.
    mutating func bool(_ key: String) -> Bool? {
        read { keys throws(ConfigValueError) in try keys.bool(key) }
    }

    /// A duration given in seconds (fractions allowed), positive unless `allowZero`, at most `maximum`; nil when
    /// absent.
    mutating func duration(_ key: String, allowZero: Bool = false, maximum: Duration) -> Duration? {
        guard let seconds = reads.seconds(key) else { return nil }
        let value = Duration.seconds(seconds)
        if !allowZero, value <= .zero {
            fail(key, "must be more than 0 seconds")
            return nil
        }
        if value > maximum {
            fail(key, "must be at most \(Int(maximum.components.seconds)) seconds")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, or nil when absent; anything else is a problem listing the choices.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, as type: Choice.Type = Choice.self)
        -> Choice? where Choice.RawValue == String
    {
        guard let text = reads.string(key) else { return nil }
        if let value = Choice(rawValue: text) { return value }
        let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        fail(key, "\"\(text)\" is not one of \(allowed)")
        return nil
    }
}
