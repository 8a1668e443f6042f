import ArgumentParser

/// `smpp-bridge pdu`: tools for looking at raw SMPP PDUs.
struct PDUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdu",
        abstract: "Inspect raw SMPP 3.4 PDUs.",
        subcommands: [PDUDecodeCommand.self]
    )
}
