import ArgumentParser

/// The `smpp-bridge` executable: the service and the operator's tools.
@main
struct SMPPBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smpp-bridge",
        abstract: "SMPP 3.4 ⇄ RabbitMQ bridge and its operator tools.",
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, SendCommand.self, TailCommand.self, PDUCommand.self, TextCommand.self,
        ]
    )
}
