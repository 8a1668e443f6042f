public import Logging
import Synchronization

/// Installs the process's log handler from `log.*` (DESIGN §1.4). Executables call it once, first thing.
public enum LoggingBootstrap {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log with ``LogSettings/format`` (json: ``JSONLogHandler``; text: swift-log's
    /// `StreamLogHandler`), both on standard error, at ``LogSettings/level``. swift-log allows one bootstrap per
    /// process: later calls do nothing.
    public static func bootstrap(_ settings: LogSettings) {
        let isFirst = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard isFirst else { return }
        LoggingSystem.bootstrap { label in makeHandler(label: label, settings: settings) }
    }

    /// The handler ``bootstrap(_:)`` installs for `label`.
    public static func makeHandler(label: String, settings: LogSettings) -> any LogHandler {
        switch settings.format {
        case .json:
            return JSONLogHandler.standardError(label: label, level: settings.level)
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.level
            return handler
        }
    }
}
