import ArgumentParser

/// `whitlock-sim`: protocol-exact instrument simulators on pseudo-terminals, so the real daemon
/// and any other client can be tested without hardware. Each device family is a subcommand.
@main
struct WhitlockSim: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-sim",
    abstract: "Simulate instruments on pseudo-terminals, byte for byte as the hardware speaks.",
    subcommands: [
      DP5Command.self, OBPCommand.self, USBCommand.self, ProScanSimCommand.self,
      TangoSimCommand.self,
    ])
}
