/// Every problem found in one scope's keys, in reading order, so they are reported at once (DESIGN §1.4).
public struct ConfigValueErrors: Error, Hashable, Sendable, CustomStringConvertible {
    /// One per key that is missing or malformed.
    public let errors: [ConfigValueError]

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads one scope's keys through a ``StrictConfigReader`` and gathers every ``ConfigValueError``: a read that
/// fails is recorded and gives nil, and the reading goes on with the next key. Shared by every `init(configReader:)`
/// that reports all of its problems at once.
public struct ConfigValueErrorCollector {
    /// The scope's strict reader.
    public let keys: StrictConfigReader
    /// What was recorded so far, in reading order.
    public private(set) var errors: [ConfigValueError] = []

    /// A collector reading through `keys`.
    public init(keys: StrictConfigReader) {
        self.keys = keys
    }

    /// Runs one read; a malformed value is recorded and gives nil.
    public mutating func read<Value>(_ body: (StrictConfigReader) throws(ConfigValueError) -> Value?) -> Value? {
        do throws(ConfigValueError) {
            return try body(keys)
        } catch {
            errors.append(error)
            return nil
        }
    }

    /// ``StrictConfigReader/string(_:isSecret:)``, a problem recorded.
    public mutating func string(_ key: String, isSecret: Bool = false) -> String? {
        read { keys throws(ConfigValueError) in try keys.string(key, isSecret: isSecret) }
    }

    /// ``StrictConfigReader/requiredString(_:isSecret:)``, a problem recorded (nil then).
    public mutating func requiredString(_ key: String, isSecret: Bool = false) -> String? {
        read { keys throws(ConfigValueError) in try keys.requiredString(key, isSecret: isSecret) }
    }

    /// ``StrictConfigReader/int(_:)``, a problem recorded.
    public mutating func int(_ key: String) -> Int? {
        read { keys throws(ConfigValueError) in try keys.int(key) }
    }

    /// ``StrictConfigReader/bool(_:)``, a problem recorded.
    public mutating func bool(_ key: String) -> Bool? {
        read { keys throws(ConfigValueError) in try keys.bool(key) }
    }

    /// ``StrictConfigReader/seconds(_:)``, a problem recorded.
    public mutating func seconds(_ key: String) -> Double? {
        read { keys throws(ConfigValueError) in try keys.seconds(key) }
    }

    /// ``StrictConfigReader/wholeSeconds(_:)``, a problem recorded.
    public mutating func wholeSeconds(_ key: String) -> Int? {
        read { keys throws(ConfigValueError) in try keys.wholeSeconds(key) }
    }

    /// Records a problem with `key` (relative to the scope) found by the caller.
    public mutating func fail(_ key: String, _ reason: String) {
        errors.append(keys.fail(key, reason))
    }

    /// Throws everything recorded, if anything was.
    public func check() throws(ConfigValueErrors) {
        if !errors.isEmpty { throw ConfigValueErrors(errors: errors) }
    }
}
