public import Configuration

/// A configuration value that is missing or malformed: the full key (e.g. `smpp.port`) and why. Never carries a
/// secret's value.
public struct ConfigValueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The full key, scope included.
    public let key: String
    /// Why the value was refused.
    public let reason: String

    /// `key: reason`.
    public var description: String { "\(key): \(reason)" }
}

/// Reads typed values from a ``ConfigReader`` scoped to `prefix`, telling a missing key (nil: the default applies)
/// from a malformed one (a ``ConfigValueError`` naming the full key). Shared by every `init(configReader:)`.
///
/// swift-configuration's defaulted getters fall back to the default on a value they cannot convert; that would
/// hide a typo such as `smpp.port: "27x5"`, so each read here checks whether a value of some type is present.
/// Integers, numbers and booleans may also be text, as environment variables carry them.
public struct StrictConfigReader {
    /// The reader, already scoped to ``prefix``.
    public let reader: ConfigReader
    /// The scope the reader was created with, used only to name keys in errors.
    public let prefix: String

    /// Wraps `reader`, which must already be scoped to `prefix` (e.g. `config.scoped(to: "smpp")`, `"smpp"`).
    public init(reader: ConfigReader, prefix: String) {
        self.reader = reader
        self.prefix = prefix
    }

    /// The error for `key` (relative to the scope).
    public func fail(_ key: String, _ reason: String) -> ConfigValueError {
        // A value quoted in the reason could hold a line break; escaped, every problem stays one line.
        let oneLine = reason.replacingLineBreaks()
        return ConfigValueError(key: "\(prefix).\(key)", reason: oneLine)
    }

    /// Whether any provider holds a value of any type for `key`: a scalar, or a list (no key takes a list, so a
    /// YAML `smpp.sessions: [4]` is then refused as the wrong type instead of read as absent).
    public func isPresent(_ key: String, isSecret: Bool = false) -> Bool {
        let configKey = ConfigKey(key)
        return reader.string(forKey: configKey, isSecret: isSecret) != nil
            || reader.int(forKey: configKey, isSecret: isSecret) != nil
            || reader.double(forKey: configKey, isSecret: isSecret) != nil
            || reader.bool(forKey: configKey, isSecret: isSecret) != nil
            || reader.stringArray(forKey: configKey, isSecret: isSecret) != nil
            || reader.intArray(forKey: configKey, isSecret: isSecret) != nil
            || reader.doubleArray(forKey: configKey, isSecret: isSecret) != nil
            || reader.boolArray(forKey: configKey, isSecret: isSecret) != nil
    }

    /// A string, or nil when absent; a value of another type is an error.
    public func string(_ key: String, isSecret: Bool = false) throws(ConfigValueError) -> String? {
        if let value = reader.string(forKey: ConfigKey(key), isSecret: isSecret) { return value }
        if isPresent(key, isSecret: isSecret) { throw fail(key, "must be a string") }
        return nil
    }

    /// A string that must be present.
    public func requiredString(_ key: String, isSecret: Bool = false) throws(ConfigValueError) -> String {
        guard let value = try string(key, isSecret: isSecret) else { throw fail(key, "is required") }
        return value
    }

    /// An integer (or a string of digits, as environment variables carry it), or nil when absent.
    public func int(_ key: String) throws(ConfigValueError) -> Int? {
        let configKey = ConfigKey(key)
        if let value = reader.int(forKey: configKey) { return value }
        if let text = reader.string(forKey: configKey) {
            guard let value = Int(text.trimmingWhitespace()) else { throw fail(key, "\"\(text)\" is not an integer") }
            return value
        }
        if isPresent(key) { throw fail(key, "must be an integer") }
        return nil
    }

    /// A boolean (`true`/`false`, also `1`/`0`, `yes`/`no` in text), or nil when absent.
    public func bool(_ key: String) throws(ConfigValueError) -> Bool? {
        let configKey = ConfigKey(key)
        if let value = reader.bool(forKey: configKey) { return value }
        if let text = reader.string(forKey: configKey) {
            switch text.trimmingWhitespace().lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: throw fail(key, "\"\(text)\" is not true or false")
            }
        }
        if isPresent(key) { throw fail(key, "must be true or false") }
        return nil
    }

    /// A duration in seconds (a whole or fractional number, e.g. `0.5`), or nil when absent. Negative, infinite
    /// or absurdly large values (over ~292 years, where a nanosecond count overflows) are errors.
    public func seconds(_ key: String) throws(ConfigValueError) -> Double? {
        let configKey = ConfigKey(key)
        let seconds: Double
        if let value = reader.double(forKey: configKey) {
            seconds = value
        } else if let value = reader.int(forKey: configKey) {
            seconds = Double(value)
        } else if let text = reader.string(forKey: configKey) {
            guard let value = Double(text.trimmingWhitespace()) else {
                throw fail(key, "\"\(text)\" is not a number of seconds")
            }
            seconds = value
        } else if isPresent(key) {
            throw fail(key, "must be a number of seconds")
        } else {
            return nil
        }
        guard seconds.isFinite, seconds >= 0 else { throw fail(key, "must be a non-negative number of seconds") }
        guard seconds < 9.2e9 else { throw fail(key, "is too large") }
        return seconds
    }

    /// Whole seconds (an integer, an integral number, or such text), or nil when absent; negative is an error.
    public func wholeSeconds(_ key: String) throws(ConfigValueError) -> Int? {
        let configKey = ConfigKey(key)
        let seconds: Int
        if let value = reader.int(forKey: configKey) {
            seconds = value
        } else if let value = reader.double(forKey: configKey) {
            guard let whole = Int(exactly: value) else { throw fail(key, "must be whole seconds") }
            seconds = whole
        } else if let text = reader.string(forKey: configKey) {
            guard let value = Int(text.trimmingWhitespace()) else {
                throw fail(key, "\"\(text)\" is not whole seconds")
            }
            seconds = value
        } else if isPresent(key) {
            throw fail(key, "must be whole seconds")
        } else {
            return nil
        }
        guard seconds >= 0 else { throw fail(key, "must not be negative") }
        return seconds
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

extension String {
    /// Line feeds and carriage returns written as `\n` and `\r`.
    func replacingLineBreaks() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
