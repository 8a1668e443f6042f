import Configuration
import NIOCore

/// Reads typed `smpp.*` values from a ``ConfigReader`` scoped to `smpp`, telling a missing key (the default
/// applies) from a malformed one (an error naming the full key, never a secret's value).
///
/// swift-configuration's defaulted getters fall back to the default on a value they cannot convert; that would
/// hide a typo such as `smpp.port: "27x5"`, so each read here checks whether a value of some type is present.
struct ConfigKeyReader {
    let reader: ConfigReader
    /// The scope the reader was created with, used only to name keys in errors.
    let prefix: String

    func fail(_ key: String, _ reason: String) -> SMPPClientError {
        SMPPClientError(code: .invalidConfiguration, detail: "\(prefix).\(key): \(reason)")
    }

    /// Whether any provider holds a scalar value of any type for `key`.
    func isPresent(_ key: String, isSecret: Bool = false) -> Bool {
        let configKey = ConfigKey(key)
        return reader.string(forKey: configKey, isSecret: isSecret) != nil
            || reader.int(forKey: configKey, isSecret: isSecret) != nil
            || reader.double(forKey: configKey, isSecret: isSecret) != nil
            || reader.bool(forKey: configKey, isSecret: isSecret) != nil
    }

    /// A string, or nil when absent; a value of another type is an error.
    func string(_ key: String, isSecret: Bool = false) throws(SMPPClientError) -> String? {
        if let value = reader.string(forKey: ConfigKey(key), isSecret: isSecret) { return value }
        if isPresent(key, isSecret: isSecret) { throw fail(key, "must be a string") }
        return nil
    }

    /// A string that must be present.
    func requiredString(_ key: String, isSecret: Bool = false) throws(SMPPClientError) -> String {
        guard let value = try string(key, isSecret: isSecret) else { throw fail(key, "is required") }
        return value
    }

    /// An integer (or a string of digits, as environment variables carry it), or nil when absent.
    func int(_ key: String) throws(SMPPClientError) -> Int? {
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
    func bool(_ key: String) throws(SMPPClientError) -> Bool? {
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
    /// or absurdly large values (over ~292 years, where nanoseconds overflow) are errors.
    func seconds(_ key: String) throws(SMPPClientError) -> TimeAmount? {
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
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds < 9.2e18 else { throw fail(key, "is too large") }
        return .nanoseconds(Int64(nanoseconds))
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
