public import NIOCore

extension BridgeHTTPServer {
    /// What one client can hold of the endpoint. The defaults suit a scraper and a few probes.
    public struct Limits: Sendable, Hashable {
        /// A whole request (request line, headers, body) must arrive within this long of the connection opening
        /// or of the previous response, or the connection is closed. Default 30 s.
        public var idleTimeout: TimeAmount
        /// Connections open at once. One more replaces the connection that has waited longest for a request (just
        /// accepted, or kept alive), which is closed; it is closed itself on accept only when every open connection
        /// is in a request. Default 128.
        public var maximumConnections: Int
        /// Bytes of request line plus headers; more is answered 400 and the connection closed. Default 16 KiB.
        public var maximumHeaderBytes: Int

        /// Creates limits; every argument has the documented default.
        public init(idleTimeout: TimeAmount = .seconds(30), maximumConnections: Int = 128,
                    maximumHeaderBytes: Int = 16 * 1024) {
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
            self.maximumHeaderBytes = maximumHeaderBytes
        }
    }
}
