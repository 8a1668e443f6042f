/// Why the HTTP endpoint could not start or report its port.
public struct BridgeHTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case alreadyStarted, bindFailed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// `run()` was called a second time on the same server.
        public static let alreadyStarted = Code(.alreadyStarted)
        /// The listener could not be opened (address in use, bad host, permission).
        public static let bindFailed = Code(.bindFailed)
        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The address concerned, `host:port`.
    public var address: String
    /// The underlying error's text.
    public var detail: String

    /// Creates an error.
    public init(code: Code, address: String, detail: String) {
        self.code = code
        self.address = address
        self.detail = detail
    }

    /// `http <code> (<address>): <detail>`.
    public var description: String { "http \(code) (\(address)): \(detail)" }
}
