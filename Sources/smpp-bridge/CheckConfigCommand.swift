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
            <VARIABLE>_FILE variables and the secrets directory. Prints one `key = value` line per key, secrets as \
            ********. On problems, prints each one (key first) on standard error and exits 1.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        do {
            let configuration = try await options.load()
            for line in configuration.effectiveLines() { print(line) }
        } catch {
            throw exitWithProblems(error)
        }
    }
}
