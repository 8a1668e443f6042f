import NIOHTTP1

/// What a request asks for, decided from its method and target alone.
enum HTTPEndpoint: Sendable, Hashable {
    /// `GET /healthz`.
    case health
    /// `GET /readyz`.
    case readiness
    /// `GET /metrics`.
    case metrics
    /// A known path with a method other than GET.
    case methodNotAllowed
    /// Any other path.
    case notFound

    /// Routes a request. The query string is ignored (`/metrics?x=1` is `/metrics`); an unknown path is 404
    /// whatever the method, a known path with a method other than GET is 405.
    init(method: HTTPMethod, uri: String) {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let endpoint: HTTPEndpoint
        switch path {
        case "/healthz": endpoint = .health
        case "/readyz": endpoint = .readiness
        case "/metrics": endpoint = .metrics
        default:
            self = .notFound
            return
        }
        self = method == .GET ? endpoint : .methodNotAllowed
    }
}

/// A complete response before it is framed: status, content type, extra headers and body bytes.
struct HTTPResponseContent: Sendable, Hashable {
    var status: HTTPResponseStatus
    var contentType: String
    var extraHeaders: [String: String] = [:]
    var body: [UInt8]

    static let plainText = "text/plain; charset=utf-8"
    /// The Prometheus text exposition format, version 0.0.4.
    static let prometheusText = "text/plain; version=0.0.4; charset=utf-8"
    static let json = "application/json"

    static func text(_ status: HTTPResponseStatus, _ text: String) -> HTTPResponseContent {
        HTTPResponseContent(status: status, contentType: plainText, body: Array(text.utf8))
    }
}
