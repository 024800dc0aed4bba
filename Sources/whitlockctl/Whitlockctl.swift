import ArgumentParser
import WhitlockCore

/// The operator's command-line tool; each task is a subcommand.
@main
struct Whitlockctl: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlockctl",
    abstract: "Operate and inspect whitlockd",
    subcommands: [
      DevicesCommand.self, SpoolCommand.self, DoctorCommand.self, StatusCommand.self,
      WatchCommand.self, RunCommand.self, ExportCommand.self, AnalyzeCommand.self, ShipCommand.self,
      LaserOffCommand.self, CalibrateCommand.self, MapCommand.self,
    ])

  /// Runs the command. Its synchronous subcommands block their one task on one request or one
  /// spool read, which holds up nothing else in a one-shot tool, so the debug-build
  /// cooperative-pool check is off here (`BlockingWork`).
  static func main() async {
    BlockingWork.allowBlockingInTasks()
    await main(nil)
  }
}
