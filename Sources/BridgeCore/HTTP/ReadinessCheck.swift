/// One readiness check and whether it passes (one entry of `/readyz`).
public struct ReadinessCheck: Sendable, Hashable {
    /// What is checked, e.g. `broker`, `consumer`, `smpp`.
    public var name: String
    /// Whether the check passes; `/readyz` answers 200 only when every check passes.
    public var ok: Bool
    /// A short human-readable explanation (e.g. "2 of 4 sessions bound"); never a secret. Default empty.
    public var detail: String

    /// Creates a check result.
    public init(name: String, ok: Bool, detail: String = "") {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

/// The `/readyz` verdict over a list of checks, and its JSON body.
struct ReadinessReport: Sendable, Hashable {
    var checks: [ReadinessCheck]

    /// Ready when every check passes. An empty list is ready: nothing is waited for.
    var ready: Bool { checks.allSatisfy(\.ok) }

    /// `{"ready":false,"checks":[{"name":"broker","ok":true,"detail":"…"},…]}` followed by a line feed.
    var json: String {
        var out = #"{"ready":"# + (ready ? "true" : "false") + #","checks":["#
        for (index, check) in checks.enumerated() {
            if index > 0 { out += "," }
            out += #"{"name":"# + Self.quoted(check.name)
            out += #","ok":"# + (check.ok ? "true" : "false")
            out += #","detail":"# + Self.quoted(check.detail) + "}"
        }
        return out + "]}\n"
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and every control character escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
