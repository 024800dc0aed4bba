import Foundation
import Synchronization
import TestSupport
import WhitlockCore
import WhitlockCtlKit

/// A real `whitlockd` started for monitor tests: simulated Raman (5 spectra/s) and XRF, spool in a
/// scratch directory, monitor on a port the system picks (read back from the log).
struct MonitoredDaemon {
  let child: ChildProcess
  let directory: String
  let endpoint: MonitorEndpoint
  static let token = "test-token-0123456789abcdef"

  var client: MonitorClient { MonitorClient(endpoint: endpoint, timeoutSeconds: 10) }
  var tokenPath: String { directory + "/monitor.token" }
  var spoolNew: String { directory + "/spool/new" }

  /// Starts the daemon; `tokenMode` nil leaves run control disabled. The simulated XRF
  /// instrument exposes for `xrfExposure` s: longer than a debug build's XRF analysis on a
  /// loaded machine, so the analysis queue does not grow during a test and a clean stop (which
  /// analyses every queued spectrum) stays short.
  static func start(
    tokenMode: mode_t? = 0o600, ramanExposure: Double = 0.2, ramanPacing: Double = 1,
    xrfExposure: Double = 3,
    monitorExtra: String = "", listen: String = "127.0.0.1:0", extraConfiguration: String = "",
    descriptorLimit: Int? = nil
  ) async throws -> MonitoredDaemon {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-monitor-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var monitor = "listen = \"\(listen)\"\n" + monitorExtra
    if let tokenMode {
      let path = directory + "/monitor.token"
      try (token + "\n").write(toFile: path, atomically: false, encoding: .utf8)
      chmod(path, tokenMode)
      monitor += "token_file = \"\(path)\"\n"
    }
    let config = """
      [spool]
      path = "\(directory)/spool"
      segment_max_age_s = 0.2
      [monitor]
      \(monitor)
      [[instrument]]
      id = "r1"
      kind = "raman"
      driver = "simulated"
      exposure_s = \(ramanExposure)
      [instrument.simulation]
      pacing = \(ramanPacing)
      [[instrument]]
      id = "x1"
      kind = "xrf"
      driver = "simulated"
      exposure_s = \(xrfExposure)
      \(extraConfiguration)
      """
    try config.write(toFile: directory + "/whitlockd.toml", atomically: true, encoding: .utf8)
    return try await launch(in: directory, descriptorLimit: descriptorLimit)
  }

  /// A new whitlockd over this one's directory, configuration and spool, once it has stopped:
  /// a restart.
  func restarted() async throws -> MonitoredDaemon {
    try await Self.launch(in: directory, descriptorLimit: nil)
  }

  /// Starts whitlockd on `directory`'s configuration and waits for its monitor.
  private static func launch(in directory: String, descriptorLimit: Int?) async throws
    -> MonitoredDaemon
  {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let arguments = ["--config", directory + "/whitlockd.toml"]
    // `descriptorLimit` starts the daemon with soft and hard limit both at that value (prlimit).
    let child =
      try descriptorLimit.map {
        try ChildProcess(
          "/usr/bin/prlimit", ["--nofile=\($0):\($0)", daemon] + arguments,
          currentDirectory: directory)
      }
      ?? ChildProcess(daemon, arguments, currentDirectory: directory)
    var endpoint: MonitorEndpoint?
    await child.wait(upTo: .seconds(60)) { child in
      endpoint = Self.listeningEndpoint(in: child.standardError)
      return endpoint != nil || !child.isRunning
    }
    guard let endpoint else {
      throw StartFailure(
        description: "whitlockd did not report its monitor: \(child.standardError)")
    }
    return MonitoredDaemon(child: child, directory: directory, endpoint: endpoint)
  }

  /// Parses `monitor listening address=HOST:PORT` from the log.
  static func listeningEndpoint(in log: String) -> MonitorEndpoint? {
    for line in log.split(separator: "\n") where line.contains("monitor listening") {
      guard let range = line.range(of: "address=") else { continue }
      let address = line[range.upperBound...].prefix { $0 != " " }
      return MonitorEndpoint(String(address))
    }
    return nil
  }

  /// Stops the daemon (SIGTERM) and, unless kept, removes its directory; returns its exit status.
  @discardableResult
  /// - Parameter keepingDirectory: keeps the configuration and spool for `restarted()`.
  func stop(keepingDirectory: Bool = false) async -> Int32? {
    child.send(SIGTERM)
    // A clean stop analyses and spools every spectrum still queued; in a debug build on a
    // loaded machine an XRF analysis can take a second or more.
    let status = await child.waitForExit(upTo: .seconds(90))
    if !keepingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    return status
  }

  /// Every spool record published so far.
  func records() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: spoolNew)) ?? []
    return names.sorted().flatMap { name in
      ((try? String(contentsOfFile: spoolNew + "/" + name, encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
    }
  }
}

struct StartFailure: Error, CustomStringConvertible {
  var description: String
}

/// How a helper program ended and what it wrote.
struct ToolResult: Sendable {
  var status: Int32
  var output: String
  var errors: String
}

/// Runs a helper program to completion with optional standard input, on a thread of its own.
func runTool(_ executable: String, _ arguments: [String], input: [UInt8] = []) async throws
  -> ToolResult
{
  try await offPool { try runToolBlocking(executable, arguments, input: input) }
}

/// `runTool` on the calling thread, which it blocks until the program ends.
private func runToolBlocking(_ executable: String, _ arguments: [String], input: [UInt8]) throws
  -> ToolResult
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let stdin = Pipe()
  let stdout = Pipe()
  let stderr = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  let errorData = ErrorCollector(stderr.fileHandleForReading)
  stdin.fileHandleForWriting.write(Data(input))
  try stdin.fileHandleForWriting.close()
  let output = stdout.fileHandleForReading.readToEndRetryingInterrupts()  // blocking-ok: own thread
  process.waitUntilExit()  // blocking-ok: runToolBlocking runs off the pool
  return ToolResult(
    status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
    errors: errorData.finish())
}

/// Drains a pipe on its own thread so a chatty child cannot block on a full pipe.
final class ErrorCollector: Sendable {
  private let data = Mutex(Data())
  private let done = DispatchSemaphore(value: 0)  // blocking-ok: waited on off the pool

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      let bytes = handle.readToEndRetryingInterrupts()  // blocking-ok: its own thread
      data.withLock { $0 = bytes }
      done.signal()
    }
  }

  func finish() -> String {
    done.wait()  // blocking-ok: called by runToolBlocking, off the pool
    return data.withLock { String(decoding: $0, as: UTF8.self) }
  }
}

/// The repository root, for scripts the tests run.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

/// The Python of the monitor tests' virtual environment (created from PyPI on first use).
func monitorPython() async throws -> String {
  let result = try await runTool("/bin/bash", [repositoryRoot + "/scripts/monitor/venv.sh"])
  guard result.status == 0 else {
    throw StartFailure(description: "cannot create the Python environment: \(result.errors)")
  }
  return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}
