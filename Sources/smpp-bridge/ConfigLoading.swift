import ArgumentParser
import BridgeCore
import Configuration
import Foundation
import Logging
import RabbitMQ

/// The options every command that reads the bridge's configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A YAML configuration file. Environment variables (SMPP_HOST for smpp.host) take precedence over it.",
            valueName: "file"))
    var configFile: String?

    @Option(
        name: .customLong("secrets-dir"),
        help: ArgumentHelp(
            "A directory of secret files (smpp_password, amqp_url, …); default /run/secrets when it exists.",
            valueName: "directory"))
    var secretsDirectory: String?

    /// The whole configuration, as `run` and `check-config` read it.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(BridgeConfigurationError) -> BridgeConfiguration
    {
        try await BridgeConfiguration.load(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory)
    }

    /// Only what the broker tools need (`amqp.*`), so `send` and `tail` work without SMPP settings.
    func loadBroker(environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(BridgeConfigurationError) -> BrokerTarget
    {
        let reader = try await BridgeConfiguration.configReader(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory)
        var problems: [String] = []
        var amqp: AMQPConfiguration?
        do {
            amqp = try AMQPConfiguration(configReader: reader.scoped(to: "amqp"))
        } catch {
            problems += error.problemLines
        }
        var broker = BrokerSettings()
        do {
            broker = try BrokerSettings(configReader: reader)
        } catch {
            problems += error.problems
        }
        var outbound = OutboundSettings()
        do {
            outbound = try OutboundSettings(configReader: reader)
        } catch {
            problems += error.problems
        }
        guard problems.isEmpty, let amqp else { throw BridgeConfigurationError(problems: problems) }
        return BrokerTarget(amqp: amqp, broker: broker, outbound: outbound)
    }
}

/// The broker half of the configuration, for `send` and `tail`.
struct BrokerTarget: Sendable {
    var amqp: AMQPConfiguration
    var broker: BrokerSettings
    var outbound: OutboundSettings
}

/// Prints each problem on standard error and fails with exit status 1.
func exitWithProblems(_ error: BridgeConfigurationError) -> ExitCode {
    for problem in error.problems { printError(problem) }
    return ExitCode(1)
}

/// One line on standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// One line on standard output, written at once with write(2): `print` goes through C stdio, which into a pipe or
/// a file (`tail results | grep …`, `docker exec` without a terminal) holds each 4 KiB — events would show late, and
/// the held ones be lost when a signal ends the command — and `FileHandle.write` traps on an error. A reader that
/// went away (`tail mo | head -1`, with SIGPIPE ignored by whoever started the command) or any other write error
/// ends the command quietly, with the status a SIGPIPE would have given (141).
func printLine(_ line: String) {
    var pending = Array((line + "\n").utf8)[...]
    while !pending.isEmpty {
        let written = pending.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if written > 0 {
            pending = pending.dropFirst(written)
        } else if written < 0, errno == EINTR {
            continue
        } else if written < 0, errno == EAGAIN {
            var ready = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
            _ = poll(&ready, 1, -1)
        } else {
            exit(141)
        }
    }
}

/// Quiet logging for the tools: warnings and worse on standard error, so standard output carries only results.
func bootstrapToolLogging() {
    LoggingBootstrap.bootstrap(LogSettings(level: .warning, format: .text))
}
