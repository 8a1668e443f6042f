import NIOHTTP1
import Prometheus

/// Produces the response for a routed request: the only place that reads the registry and the readiness checks.
struct HTTPResponder: Sendable {
    let registry: PrometheusCollectorRegistry
    let readiness: @Sendable () -> [ReadinessCheck]

    func response(for endpoint: HTTPEndpoint) -> HTTPResponseContent {
        switch endpoint {
        case .health:
            return .text(.ok, "ok\n")
        case .readiness:
            let report = ReadinessReport(checks: readiness())
            return HTTPResponseContent(status: report.ready ? .ok : .serviceUnavailable,
                                       contentType: HTTPResponseContent.json,
                                       extraHeaders: ["Cache-Control": "no-store"], body: Array(report.json.utf8))
        case .metrics:
            return HTTPResponseContent(status: .ok, contentType: HTTPResponseContent.prometheusText,
                                       extraHeaders: ["Cache-Control": "no-store"], body: registry.emitToBuffer())
        case .methodNotAllowed:
            return HTTPResponseContent(status: .methodNotAllowed, contentType: HTTPResponseContent.plainText,
                                       extraHeaders: ["Allow": "GET"], body: Array("method not allowed\n".utf8))
        case .notFound:
            return .text(.notFound, "not found\n")
        }
    }
}
