import ArgumentParser

/// `whitlockctl map`: maps measured by the daemon.
struct MapCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract: "Work with maps (scan plans) and their results.",
    subcommands: [MapImageCommand.self])
}
