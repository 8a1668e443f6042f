public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes one JSON object per line (`log.format: json`): `ts` (RFC 3339 UTC with
/// milliseconds), `level`, `label`, `message`, `error` when the event carries one, then every metadata key as a
/// top-level field (nested dictionaries flattened with dots: `amqp.broker`), sorted by key. Metadata values are
/// strings (arrays stay arrays). A metadata key that collides with a fixed field gets a `metadata.` prefix.
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Metadata added to every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed per line (task-local context, …).
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// A handler writing each line (without its newline) to `write`.
    public init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// A handler writing to standard error, one `write` per line so lines of concurrent loggers do not interleave.
    public static func standardError(label: String, level: Logger.Level = .info) -> JSONLogHandler {
        JSONLogHandler(label: label, level: level) { line in writeToStandardError(line + "\n") }
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event as one JSON line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let eventMetadata = event.metadata { merged.merge(eventMetadata) { _, new in new } }
        write(Self.line(
            timestamp: LogTimestamp.now(), level: event.level, label: label, message: event.message.description,
            error: event.error.map { String(describing: $0) }, metadata: merged))
    }

    /// The JSON line for one event.
    static func line(
        timestamp: String, level: Logger.Level, label: String, message: String, error: String?,
        metadata: Logger.Metadata
    ) -> String {
        var fields: [(String, JSONText)] = [
            ("ts", .string(timestamp)), ("level", .string(level.rawValue)), ("label", .string(label)),
            ("message", .string(message)),
        ]
        if let error { fields.append(("error", .string(error))) }
        let fixed = Set(fields.map(\.0))
        var flat: [(String, JSONText)] = []
        flatten(metadata, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            fields.append((fixed.contains(key) ? "metadata." + key : key, value))
        }
        return JSONText.object(fields).rendered
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into fields: inout [(String, JSONText)]) {
        for (key, value) in metadata {
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: prefix + key + ".", into: &fields)
            } else {
                fields.append((prefix + key, json(value)))
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONText {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let nested):
            .object(nested.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}

/// Writes `text` to file descriptor 2 in as few `write(2)` calls as it takes (one, unless interrupted), so lines
/// written from several threads stay whole.
private func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

/// The little JSON the log handler needs: strings, arrays and objects, escaped per RFC 8259.
enum JSONText {
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    var rendered: String {
        var output = ""
        write(into: &output)
        return output
    }

    private func write(into output: inout String) {
        switch self {
        case .string(let text):
            Self.escape(text, into: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(into: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.escape(key, into: &output)
                output += ":"
                value.write(into: &output)
            }
            output += "}"
        }
    }

    private static func escape(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

/// Wall-clock timestamps for log lines.
enum LogTimestamp {
    /// Now as RFC 3339 UTC with milliseconds, `2026-12-01T10:49:23.123Z`.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
    }

    /// `seconds` since 1970 plus `milliseconds`, as RFC 3339 UTC.
    static func format(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
