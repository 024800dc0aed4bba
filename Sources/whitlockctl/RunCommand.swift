import ArgumentParser
import Foundation
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl run start|stop`: starts and stops runs on the running daemon.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Start or stop a run on the running daemon",
    subcommands: [Start.self, Stop.self])

  /// Options every run command needs.
  struct ControlOptions: ParsableArguments {
    @OptionGroup var monitor: MonitorOptions

    func validate() throws {
      guard monitor.tokenFile != nil else {
        throw ValidationError("run control needs --token-file (the daemon's [monitor] token_file)")
      }
    }

    func post(_ path: String, body: JSONValue?) throws {
      var bytes: [UInt8] = []
      if let body {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.value(body)
        bytes = writer.bytes
      }
      let response: MonitorClient.Response
      do {
        response = try monitor.client().request(
          "POST", path, headers: [("Content-Type", "application/json")], body: bytes)
      } catch let exit as ExitCode {
        throw exit
      } catch {
        throw fail("\(error)")
      }
      guard (200..<300).contains(response.status) else {
        let message = (try? JSONParser.parse(response.body))?["error"]?.stringValue
        throw fail("HTTP \(response.status): \(message ?? response.text)")
      }
      print(response.text, terminator: "")
    }
  }

  struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "End the current run and start one for a sample",
      discussion: "Prints the new run (and the one it ended) as JSON.")

    @OptionGroup var options: ControlOptions

    @Option(name: .long, help: "Sample id: 1–64 characters of letters, digits, '.', '_', '-'.")
    var sample: String

    @Option(name: .long, help: "Who is operating.")
    var `operator`: String?

    @Option(name: .long, help: "Measurement point on the sample.")
    var point: String?

    func run() throws {
      var members: [(String, JSONValue)] = [("sample_id", .string(sample))]
      if let `operator` { members.append(("operator", .string(`operator`))) }
      if let point { members.append(("point_id", .string(point))) }
      try options.post("/api/v1/runs", body: .object(members))
    }
  }

  struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "End the current run; instruments continue in an automatic run")

    @OptionGroup var options: ControlOptions

    func run() throws { try options.post("/api/v1/runs/current/stop", body: nil) }
  }
}
