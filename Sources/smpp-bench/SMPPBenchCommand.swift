import ArgumentParser

/// The `smpp-bench` executable: bounded benchmarks that print figures (never assertions).
@main
struct SMPPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smpp-bench",
        abstract: "Benchmarks for smpp-bridge; each prints its figures and stops by itself.",
        subcommands: [
            CodecBenchmarkCommand.self, SessionBenchmarkCommand.self, AMQPBenchmarkCommand.self,
            StoreBenchmarkCommand.self, ContractBenchmarkCommand.self, EndToEndBenchmarkCommand.self,
            PipelineBenchmarkCommand.self,
        ]
    )
}
