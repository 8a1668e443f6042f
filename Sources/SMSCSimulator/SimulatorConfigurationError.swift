/// A configuration value the simulator cannot use, naming the option and the text at fault (STYLE rule 4).
public struct SimulatorConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque code that can be compared but not switched over exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidAccount, invalidAddress, invalidOutcomeMix, invalidRate, invalidLatency, inconsistent
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An `--account` value that is not `SYSTEM_ID:PASSWORD[:MAX_SESSIONS]` within SMPP's field limits.
        public static let invalidAccount = Code(.invalidAccount)
        /// A listen address that is not `HOST:PORT`.
        public static let invalidAddress = Code(.invalidAddress)
        /// A `--dlr-outcomes` value that is not `STAT=WEIGHT,…` with known stats and a positive total.
        public static let invalidOutcomeMix = Code(.invalidOutcomeMix)
        /// A rate outside 0…1 (a fraction) or a negative per-second rate.
        public static let invalidRate = Code(.invalidRate)
        /// A latency that is negative or whose maximum is below its minimum.
        public static let invalidLatency = Code(.invalidLatency)
        /// Options that contradict each other, e.g. fault fractions adding up to more than 1.
        public static let inconsistent = Code(.inconsistent)

        /// The code's name.
        public var description: String { "\(base)" }
    }

    /// What went wrong.
    public var code: Code
    /// The option at fault, e.g. `--dlr-outcomes`.
    public var option: String
    /// The offending value as given.
    public var value: String
    /// Why it was refused.
    public var reason: String

    /// Creates an error.
    public init(code: Code, option: String, value: String, reason: String) {
        self.code = code
        self.option = option
        self.value = value
        self.reason = reason
    }

    /// One line: option, value and reason.
    public var description: String { "\(option) \"\(value)\": \(reason)" }
}
