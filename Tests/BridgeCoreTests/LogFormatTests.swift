@testable import BridgeCore
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct LogFormatTests {
    /// Collects the lines a handler writes.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    static func logger(_ lines: Lines, level: Logger.Level = .info) -> Logger {
        Logger(label: "smpp-bridge.test") { label in JSONLogHandler(label: label, level: level) { lines.append($0) } }
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func eachEventIsOneJSONObjectPerLine() throws {
        let lines = Lines()
        var logger = Self.logger(lines)
        logger[metadataKey: "session"] = "2"
        logger.info("bound", metadata: ["smpp.system_id": "acme", "window": "10"])
        logger.warning("throttled\nby the SMSC \"twice\"\t\u{1}", metadata: ["retry": ["in": "1 s", "attempt": "2"]])
        #expect(lines.all.count == 2)
        #expect(lines.all.allSatisfy { !$0.contains("\n") })
        let first = try Self.object(lines.all[0])
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "smpp-bridge.test")
        #expect(first["message"] as? String == "bound")
        #expect(first["session"] as? String == "2")
        #expect(first["smpp.system_id"] as? String == "acme")
        #expect(first["window"] as? String == "10")
        let second = try Self.object(lines.all[1])
        #expect(second["message"] as? String == "throttled\nby the SMSC \"twice\"\t\u{1}")
        #expect(second["retry.in"] as? String == "1 s")
        #expect(second["retry.attempt"] as? String == "2")
        #expect(second["level"] as? String == "warning")
    }

    @Test func theTimestampIsRFC3339UTCWithMilliseconds() throws {
        let lines = Lines()
        Self.logger(lines).error("x")
        let timestamp = try #require(try Self.object(lines.all[0])["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        #expect(LogTimestamp.format(seconds: 0, milliseconds: 5) == "1970-01-01T00:00:00.005Z")
        #expect(LogTimestamp.format(seconds: 1_800_000_000, milliseconds: 999) == "2027-01-15T08:00:00.999Z")
    }

    @Test func levelsBelowTheSettingAreDropped() {
        let lines = Lines()
        let logger = Self.logger(lines, level: .notice)
        logger.info("dropped")
        logger.debug("dropped")
        logger.notice("kept")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("\"kept\"") == true)
    }

    @Test func metadataCannotOverwriteTheFixedFields() throws {
        let lines = Lines()
        Self.logger(lines).info("real", metadata: ["message": "fake", "level": "critical", "list": ["a", "b"]])
        let object = try Self.object(lines.all[0])
        #expect(object["message"] as? String == "real")
        #expect(object["level"] as? String == "info")
        #expect(object["metadata.message"] as? String == "fake")
        #expect(object["metadata.level"] as? String == "critical")
        #expect(object["list"] as? [String] == ["a", "b"])
    }

    @Test func theMetadataProviderAndErrorsAreIncluded() throws {
        struct Failure: Error, CustomStringConvertible { var description: String { "bind refused" } }
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["request_id": "order-42"] }
        let logger = Logger(label: "t") { label in
            JSONLogHandler(label: label, metadataProvider: provider) { lines.append($0) }
        }
        logger.log(level: .error, "bind failed", error: Failure())
        let object = try Self.object(lines.all[0])
        #expect(object["request_id"] as? String == "order-42")
        #expect(object["error"] as? String == "bind refused")
    }

    @Test func theBootstrapHandlerFollowsTheSettings() {
        let json = LoggingBootstrap.makeHandler(label: "a", settings: LogSettings(level: .debug, format: .json))
        #expect(json is JSONLogHandler)
        #expect(json.logLevel == .debug)
        let text = LoggingBootstrap.makeHandler(label: "a", settings: LogSettings(level: .error, format: .text))
        #expect(text is StreamLogHandler)
        #expect(text.logLevel == .error)
    }
}
