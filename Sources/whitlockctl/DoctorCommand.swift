import ArgumentParser
import Foundation
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl doctor`: what stands between this machine and a running whitlockd.
struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check configuration, spool, devices, udev rules and the systemd unit.",
    discussion: "Exit status 0 when nothing failed (warnings allowed), 1 otherwise.")

  @Option(
    help:
      "The configuration to check (default: /etc/whitlockd/whitlockd.toml if present, else the embedded default)."
  )
  var config: String?

  func run() throws {
    let path =
      config
      ?? (FileManager.default.fileExists(atPath: "/etc/whitlockd/whitlockd.toml")
        ? "/etc/whitlockd/whitlockd.toml" : nil)
    let findings = Doctor().run(configPath: path)
    for finding in findings {
      let mark: String
      switch finding.severity {
      case .ok: mark = "ok  "
      case .warning: mark = "warn"
      case .failure: mark = "FAIL"
      }
      print(LogText.forTerminal("\(mark) \(finding.check): \(finding.message)"))
      if let fix = finding.fix, finding.severity != .ok {
        print(LogText.forTerminal("     fix: \(fix)"))
      }
    }
    if findings.contains(where: { $0.severity == .failure }) { throw ExitCode.failure }
  }
}
