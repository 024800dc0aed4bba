import ArgumentParser
import Records
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl status`: the running daemon's run, instruments and spool, from its monitor.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show the running daemon's run, instruments and spool",
    discussion: "Exit status 0 when the daemon is ready, 2 when it answers but is not ready.")

  @OptionGroup var options: MonitorOptions

  @Flag(name: .long, help: "Print the status document as JSON.")
  var json = false

  func run() throws {
    let response: MonitorClient.Response
    do { response = try options.client().request("GET", "/api/v1/status") } catch {
      throw fail("\(error)")
    }
    guard response.status == 200, let status = try? JSONParser.parse(response.body) else {
      throw fail("status: HTTP \(response.status): \(response.text)")
    }
    print(
      json ? response.text : LogText.forTerminal(StatusRendering.render(status)),
      terminator: json ? "" : "\n")
    if (try? DaemonStatus(status))?.daemon.ready != true { throw ExitCode(2) }
  }
}
