/// Why a submit or the client failed. A struct with an opaque code (STYLE rule 4): match on ``code``.
public struct SMPPClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case sessionLostOutcomeUnknown = "session_lost_outcome_unknown"
            case responseTimeout = "response_timeout"
            case genericNack = "generic_nack"
            case shuttingDown = "shutting_down"
            case notRunning = "not_running"
            case encodingFailed = "encoding_failed"
            case tlsConfiguration = "tls_configuration"
            case noTransmitter = "no_transmitter"
            case malformedResponse = "malformed_response"
            case invalidConfiguration = "invalid_configuration"
            case cancelled = "cancelled"
            case handedBack = "handed_back"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The session died with the request outstanding: the SMSC may or may not have accepted it.
        public static let sessionLostOutcomeUnknown = Code(.sessionLostOutcomeUnknown)
        /// No response arrived within the response timeout: the outcome is unknown too.
        public static let responseTimeout = Code(.responseTimeout)
        /// The SMSC answered generic_nack (``SMPPClientError/commandStatus`` holds its status).
        public static let genericNack = Code(.genericNack)
        /// The client is shutting down and takes no new requests.
        public static let shuttingDown = Code(.shuttingDown)
        /// `run()` has returned: the client takes no more requests.
        public static let notRunning = Code(.notRunning)
        /// The request could not be encoded (a field too long, …); it was never sent.
        public static let encodingFailed = Code(.encodingFailed)
        /// The TLS settings could not be loaded (a file missing or unreadable).
        public static let tlsConfiguration = Code(.tlsConfiguration)
        /// The calling task was cancelled before the request was sent; it never will be.
        public static let cancelled = Code(.cancelled)
        /// A configuration value cannot work (``SMPPClientError/detail`` names the key).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The SMSC's response could not be parsed: the outcome is unknown.
        public static let malformedResponse = Code(.malformedResponse)
        /// The configured bind type has no transmitter (receiver only), so nothing can be submitted.
        public static let noTransmitter = Code(.noTransmitter)
        /// The client hands requests back instead of letting them wait for a session (``SMPPClient/setHandingBack(_:)``):
        /// it was never sent.
        public static let handedBack = Code(.handedBack)

        /// The code's snake_case name.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The command_status that came with it (generic_nack), if any.
    public var commandStatus: UInt32?
    /// The sequence number of the request, when it was sent.
    public var sequenceNumber: UInt32?
    /// The index of the session it was on, when it was sent.
    public var sessionIndex: Int?
    /// Extra detail for logs (never a secret).
    public var detail: String?

    /// One line per problem of an `.invalidConfiguration` error (each names its key), else the error as one line.
    public var problemLines: [String] { problemLines(of: detail ?? "smpp: \(code)") }

    private func problemLines(of text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// Creates an error.
    public init(code: Code, commandStatus: UInt32? = nil, sequenceNumber: UInt32? = nil, sessionIndex: Int? = nil,
                detail: String? = nil) {
        self.code = code
        self.commandStatus = commandStatus
        self.sequenceNumber = sequenceNumber
        self.sessionIndex = sessionIndex
        self.detail = detail
    }

    /// Whether the SMSC may have accepted the request (session lost, response timeout, malformed response): a
    /// resubmit may duplicate it. Every other code means it was refused or never sent.
    public var isOutcomeUnknown: Bool {
        code == .sessionLostOutcomeUnknown || code == .responseTimeout || code == .malformedResponse
    }

    /// Code, status, sequence and session, for logs; on one line (several configuration problems joined by `; `).
    public var description: String {
        var text = "SMPPClientError(\(code)"
        if let commandStatus { text += ", command_status: 0x\(String(commandStatus, radix: 16))" }
        if let sequenceNumber { text += ", sequence_number: \(sequenceNumber)" }
        if let sessionIndex { text += ", session: \(sessionIndex)" }
        if let detail { text += ", " + problemLines(of: detail).joined(separator: "; ") }
        return text + ")"
    }
}
