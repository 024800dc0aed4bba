import ArgumentParser
import Foundation
import WhitlockCtlKit

/// The `--monitor` option shared by the commands that talk to a running daemon.
struct MonitorOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "The daemon's monitor: http://HOST:PORT or unix:/path/to/socket (default 127.0.0.1:9464)."
  )
  var monitor = MonitorEndpoint.default.description

  @Option(name: .long, help: "Seconds to wait for the daemon before giving up.")
  var timeout = 10.0

  @Option(
    name: .customLong("token-file"),
    help: """
      File holding the daemon's token ([monitor] token_file): needed for run control, and for \
      everything on a monitor beyond loopback.
      """)
  var tokenFile: String?

  /// The token from `--token-file`, or `nil` without one.
  func token() throws -> String? {
    guard let tokenFile else { return nil }
    guard let data = FileManager.default.contents(atPath: tokenFile) else {
      throw fail("cannot read token file \(tokenFile)")
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func client() throws -> MonitorClient {
    guard let endpoint = MonitorEndpoint(monitor) else {
      throw ValidationError("--monitor \(monitor) is not http://HOST:PORT or unix:/PATH")
    }
    return MonitorClient(endpoint: endpoint, timeoutSeconds: timeout, bearerToken: try token())
  }
}

/// Reports a failure on standard error and exits with status 1.
func fail(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("whitlockctl: \(message)\n".utf8))
  return ExitCode.failure
}
