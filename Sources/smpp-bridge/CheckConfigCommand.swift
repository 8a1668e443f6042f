import ArgumentParser
import BridgeCore

/// `smpp-bridge check-config`: validates the configuration and prints it, secrets masked.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print the effective values, secrets masked.",
        discussion: """
            Reads the configuration as `smpp-bridge run` does: environment variables, then the --config file, \
            then the defaults; secrets (smpp.password, amqp.url, amqp.tls.key_password, store.url) also from \
            <VARIABLE>_FILE variables and the secrets directory. Checks that the TLS files it names can be read \
            here (unless --skip-files). Prints one `key = value` line per key, secrets as ********. On problems, \
            prints each one (key first) on standard error and exits 1.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(name: .customLong("skip-files"), help: "Do not check the TLS files (a configuration for another machine or container).")
    var skipFiles = false

    func run() async throws {
        let configuration: BridgeConfiguration
        do {
            configuration = try await options.load()
        } catch {
            throw exitWithProblems(error)
        }
        let problems = skipFiles ? [] : configuration.fileProblems()
        guard problems.isEmpty else { throw exitWithProblems(BridgeConfigurationError(problems: problems)) }
        for line in configuration.effectiveLines() { print(line) }
    }
}
