import Foundation
import NIOHTTP1
import Testing

@testable import BridgeCore

/// Routing, the responses' content, and the /readyz JSON, without sockets.
@Suite struct HTTPEndpointTests {
    @Test(arguments: [
        (HTTPMethod.GET, "/healthz", HTTPEndpoint.health),
        (.GET, "/readyz", .readiness),
        (.GET, "/metrics", .metrics),
        (.GET, "/metrics?name[]=x", .metrics),
        (.GET, "/metrics/", .notFound),
        (.GET, "/", .notFound),
        (.GET, "", .notFound),
        (.GET, "/HEALTHZ", .notFound),
        (.GET, "http://host/healthz", .notFound),
        (.POST, "/metrics", .methodNotAllowed),
        (.HEAD, "/healthz", .methodNotAllowed),
        (.PUT, "/readyz", .methodNotAllowed),
        (.POST, "/elsewhere", .notFound),
        (.RAW(value: "BREW"), "/healthz", .methodNotAllowed),
    ])
    func routes(method: HTTPMethod, uri: String, expected: HTTPEndpoint) {
        #expect(HTTPEndpoint(method: method, uri: uri) == expected)
    }

    private func responder(_ checks: [ReadinessCheck]) -> HTTPResponder {
        HTTPResponder(registry: BridgeMetricsSetup().registry, readiness: { checks })
    }

    @Test func readinessWithNoChecksIsReady() {
        let response = responder([]).response(for: .readiness)
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"ready\":true,\"checks\":[]}\n")
    }

    @Test func oneFailingCheckMakesItUnready() throws {
        let checks = [ReadinessCheck(name: "broker", ok: true, detail: "connected"),
                      ReadinessCheck(name: "consumer", ok: false)]
        let response = responder(checks).response(for: .readiness)
        #expect(response.status == .serviceUnavailable)
        #expect(response.contentType == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"""
            {"ready":false,"checks":[{"name":"broker","ok":true,"detail":"connected"},{"name":"consumer","ok":false,"detail":""}]}

            """#)
    }

    @Test func detailsAreEscapedIntoValidJSON() throws {
        let nasty = "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} unicode é 🚀 \u{1F}"
        let json = ReadinessReport(checks: [ReadinessCheck(name: "n\"ame", ok: false, detail: nasty)]).json
        #expect(json.contains(#"\u0007"#) && json.contains(#"\u0000"#) && json.contains(#"\u001f"#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let checks = try #require(parsed["checks"] as? [[String: Any]])
        #expect(checks.first?["name"] as? String == "n\"ame")
        #expect(checks.first?["detail"] as? String == nasty)
        #expect(parsed["ready"] as? Bool == false)
    }

    @Test func fixedResponses() {
        let responder = responder([])
        #expect(responder.response(for: .health) == .text(.ok, "ok\n"))
        #expect(responder.response(for: .notFound).status == .notFound)
        let notAllowed = responder.response(for: .methodNotAllowed)
        #expect(notAllowed.status == .methodNotAllowed)
        #expect(notAllowed.extraHeaders["Allow"] == "GET")
    }

    @Test func metricsIsTheRegistrysExposition() {
        let setup = BridgeMetricsSetup()
        setup.factory.makeCounter(label: "bridge_mo_total", dimensions: []).increment(by: 1)
        let response = HTTPResponder(registry: setup.registry, readiness: { [] }).response(for: .metrics)
        #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) == setup.registry.emitToString())
        #expect(String(decoding: response.body, as: UTF8.self).contains("bridge_mo_total 1\n"))
    }
}
