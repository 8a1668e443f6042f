public import Logging
import struct Foundation.Date

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
        var fixed = [("ts", timestamp), ("level", level.rawValue), ("label", label), ("message", message)]
        if let error { fixed.append(("error", error)) }
        var flat: [(String, Logger.Metadata.Value)] = []
        flatten(metadata, prefix: "", into: &flat)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        for (key, value) in fixed {
            writer.key(key)
            writer.string(value)
        }
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            writer.key(fixed.contains { $0.0 == key } ? "metadata." + key : key)
            writeValue(value, into: &writer)
        }
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func flatten(
        _ metadata: Logger.Metadata, prefix: String, into fields: inout [(String, Logger.Metadata.Value)]
    ) {
        for (key, value) in metadata {
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: prefix + key + ".", into: &fields)
            } else {
                fields.append((prefix + key, value))
            }
        }
    }

    /// A value as JSON: strings, arrays, and (inside arrays) objects with sorted keys.
    private static func writeValue(_ value: Logger.Metadata.Value, into writer: inout JSONWriter) {
        switch value {
        case .string(let text):
            writer.string(text)
        case .stringConvertible(let convertible):
            writer.string(convertible.description)
        case .array(let values):
            writer.beginArray()
            for element in values { writeValue(element, into: &writer) }
            writer.endArray()
        case .dictionary(let nested):
            writer.beginObject()
            for (key, element) in nested.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                writeValue(element, into: &writer)
            }
            writer.endObject()
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

/// Wall-clock timestamps for log lines: RFC 3339 UTC with milliseconds, written as the events write theirs.
enum LogTimestamp {
    /// Now, e.g. `2026-12-01T10:49:23.123Z`.
    static func now() -> String {
        RFC3339.format(Date())
    }

    /// `seconds` since 1970 plus `milliseconds`.
    static func format(seconds: Int, milliseconds: Int) -> String {
        RFC3339.format(Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000))
    }
}
