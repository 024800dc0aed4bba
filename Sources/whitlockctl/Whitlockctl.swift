import ArgumentParser

/// The operator's command-line tool; each task is a subcommand.
@main
struct Whitlockctl: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlockctl",
    abstract: "Operate and inspect whitlockd",
    subcommands: [
      DevicesCommand.self, SpoolCommand.self, DoctorCommand.self, StatusCommand.self,
      WatchCommand.self, RunCommand.self, ExportCommand.self, AnalyzeCommand.self, ShipCommand.self,
    ])
}
