import Configuration

/// Reads typed `amqp.*` values from a ``ConfigReader`` scoped to `amqp`, telling a missing key (the default
/// applies) from a malformed one (an error naming the full key, never a secret's value).
///
/// swift-configuration's defaulted getters fall back to the default on a value they cannot convert; that would
/// hide a typo, so each read here checks whether a value of some type is present.
struct ConfigKeyReader {
    let reader: ConfigReader
    /// The scope the reader was created with, used only to name keys in errors.
    let prefix: String

    func fail(_ key: String, _ reason: String) -> AMQPError {
        AMQPError(code: .invalidConfiguration, message: "\(prefix).\(key): \(reason)")
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
    func string(_ key: String, isSecret: Bool = false) throws(AMQPError) -> String? {
        if let value = reader.string(forKey: ConfigKey(key), isSecret: isSecret) { return value }
        if isPresent(key, isSecret: isSecret) { throw fail(key, "must be a string") }
        return nil
    }

    /// A boolean (`true`/`false`, also `1`/`0`, `yes`/`no` in text), or nil when absent.
    func bool(_ key: String) throws(AMQPError) -> Bool? {
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

    /// Whole seconds (an integer, an integral number, or such text), or nil when absent; negative is an error.
    func wholeSeconds(_ key: String) throws(AMQPError) -> Int? {
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
