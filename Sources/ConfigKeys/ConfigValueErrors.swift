/// Every problem found in one scope's keys, in reading order, so they are reported at once (DESIGN §1.4).
public struct ConfigValueErrors: Error, Hashable, Sendable, CustomStringConvertible {
    /// One per key that is missing or malformed.
    public let errors: [ConfigValueError]

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Gathers ``ConfigValueError``s while a scope is read: each read that fails is recorded and yields nil, and the
/// reading goes on with the next key.
public struct ConfigValueErrorCollector {
    /// What was recorded so far.
    public private(set) var errors: [ConfigValueError] = []

    /// An empty collector.
    public init() {}

    /// Runs one read; a malformed value is recorded and gives nil.
    public mutating func read<Value>(_ body: () throws(ConfigValueError) -> Value?) -> Value? {
        do throws(ConfigValueError) {
            return try body()
        } catch {
            errors.append(error)
            return nil
        }
    }

    /// Records a problem found by the caller.
    public mutating func record(_ error: ConfigValueError) {
        errors.append(error)
    }

    /// Throws everything recorded, if anything was.
    public func check() throws(ConfigValueErrors) {
        if !errors.isEmpty { throw ConfigValueErrors(errors: errors) }
    }
}
