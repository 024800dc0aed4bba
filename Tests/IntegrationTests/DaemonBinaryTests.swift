import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// The real `whitlockd` binary, started on its embedded default in a scratch directory.
@Suite(.processHeavy) struct DaemonBinaryTests {
  private func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-daemon-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  private func acquisitionLines(_ child: ChildProcess) -> Int {
    child.standardError.split(separator: "\n").filter { $0.contains(" ch point ") }.count
  }

  private func records(in layout: SpoolLayout) throws -> [JSONValue] {
    var result: [JSONValue] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.new).sorted() {
      let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
      for line in text.split(separator: "\n") { result.append(try JSONParser.parse(String(line))) }
    }
    return result
  }

  /// Seconds between the first log line containing `from` and the first containing `to`, read from
  /// the UTC timestamps the daemon writes at the start of each line when not on a terminal.
  static func secondsBetween(_ from: String, _ to: String, in log: String) -> Double? {
    func time(of marker: String) -> Double? {
      guard let line = log.split(separator: "\n").first(where: { $0.contains(marker) }),
        let stamp = line.split(separator: " ").first, stamp.count >= 24
      else { return nil }
      let clock = stamp.dropFirst(11).dropLast()  // hh:mm:ss.mmm
      let parts = clock.split(separator: ":").compactMap { Double($0) }
      guard parts.count == 3 else { return nil }
      return parts[0] * 3600 + parts[1] * 60 + parts[2]
    }
    guard let start = time(of: from), let end = time(of: to) else { return nil }
    let difference = end - start
    return difference < 0 ? difference + 86_400 : difference
  }

  @Test func embeddedDefaultSpoolsValidRecordsAndStopsCleanlyOnSIGTERM() async throws {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let child = try ChildProcess(daemon, [], currentDirectory: directory)
    let acquired = await child.wait(upTo: .seconds(60)) { self.acquisitionLines($0) >= 6 }
    #expect(acquired, "no acquisitions logged: \(child.standardError)")

    child.send(SIGTERM)
    let status = await child.waitForExit(upTo: .seconds(30))
    #expect(status == 0, "\(child.standardError)")
    // The budget is the unit's TimeoutStopSec (15 s), after which systemd kills the daemon:
    // measured by the daemon's own clock, from the moment it handles SIGTERM to its last line.
    // An unloaded machine stops in well under a second (2.5 s grace at most for an exposure in
    // flight); the margin is for a test machine starved of CPU by the parallel suite.
    let stopTook = try #require(
      Self.secondsBetween("shutdown requested", "whitlockd stopped", in: child.standardError),
      "\(child.standardError)")
    #expect(stopTook < 15, "shutdown took \(stopTook) s, beyond the unit's TimeoutStopSec")

    let layout = SpoolLayout(root: directory + "/spool")
    let report = try SpoolVerifier.verify(layout)
    #expect(report.isClean, "\(report.problems) \(report.temporaryLeftovers)")
    #expect(report.temporaryLeftovers.isEmpty)

    let all = try records(in: layout)
    let acquisitions = all.filter { $0["type"]?.stringValue == "acquisition" }
    #expect(acquisitions.count >= 6)
    for kind in ["raman", "xrf"] {
      let ofKind = all.filter { $0["instrument"]?["kind"]?.stringValue == kind }
      #expect(ofKind.first?["type"]?.stringValue == "run-start", "\(kind) starts its run")
      let end = try #require(ofKind.last, "\(kind) has records")
      #expect(end["type"]?.stringValue == "run-end", "\(kind) ends its run")
      let spooled = ofKind.filter { $0["type"]?.stringValue == "acquisition" }.count
      #expect(end["summary"]?["acquisitions_spooled"]?.doubleValue == Double(spooled))
      #expect(end["summary"]?["acquisitions_dropped"]?.doubleValue == 0)
    }
    let raman = acquisitions.filter { $0["instrument"]?["kind"]?.stringValue == "raman" }
    #expect(raman.allSatisfy { $0["detection"]?["whitlockite_fraction"] != nil })
    #expect(raman.allSatisfy { $0["simulation"]?["whitlockite_fraction"] != nil })
    let xrf = acquisitions.filter { $0["instrument"]?["kind"]?.stringValue == "xrf" }
    #expect(xrf.allSatisfy { $0["detection"]?["mg_ca_ratio"] != nil })
    #expect(Set(all.compactMap { $0["run_id"]?.stringValue }).count == 1)
  }

  /// Writes `whitlockd.toml` in `directory` for one simulated Raman instrument (0.2 s exposures,
  /// monitor off) spooling to `spool`; returns its path.
  private static func writeSimulatedRamanConfiguration(
    in directory: String, spool: String, segmentMaxAgeSeconds: Double
  ) throws -> String {
    let path = directory + "/whitlockd.toml"
    try """
    [spool]
    path = "\(spool)"
    segment_max_age_s = \(segmentMaxAgeSeconds)
    [monitor]
    enabled = false
    [[instrument]]
    id = "raman-sim"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.2
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Whether `pid` is a live process (not gone, not a zombie nobody reaped yet).
  private static func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return false }
    return !stat[close...].hasPrefix(") Z")
  }

  /// A harness that dies does not leave its daemon running: the shell that started whitlockd is
  /// killed with SIGKILL, and whitlockd (told by `WHITLOCK_EXIT_WITH_PARENT=1`, which every test
  /// child gets) sees it was re-parented and stops as on SIGTERM, closing its run properly.
  @Test func daemonStopsCleanlyWhenTheProcessThatStartedItIsKilled() async throws {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let config = try Self.writeSimulatedRamanConfiguration(
      in: directory, spool: "spool", segmentMaxAgeSeconds: 0.5)
    let log = directory + "/whitlockd.log"
    let shell = try ChildProcess(
      "/bin/sh", ["-c", "\"$0\" --config \"$1\" 2>\"$2\" & echo $!; wait", daemon, config, log],
      currentDirectory: directory)
    var started: Int32?
    await shell.wait(upTo: .seconds(30)) { child in
      started = Int32(child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
      return started != nil
    }
    let pid = try #require(started, "no PID from the shell: \(shell.standardError)")
    func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    let acquiring = await shell.wait(upTo: .seconds(60)) { _ in
      logText().split(separator: "\n").filter { $0.contains(" ch point ") }.count >= 3
    }
    #expect(acquiring, "\(logText())")

    shell.send(SIGKILL)
    let stopped = await shell.wait(upTo: .seconds(30)) { _ in !Self.isAlive(pid) }
    #expect(stopped, "whitlockd \(pid) still running after its parent was killed")
    if !stopped { kill(pid, SIGKILL) }
    #expect(logText().contains("parent process"), "\(logText())")
    #expect(logText().contains("whitlockd stopped"), "\(logText())")
    let layout = SpoolLayout(root: directory + "/spool")
    #expect(try SpoolVerifier.verify(layout).isClean)
    let last = try #require(try records(in: layout).last)
    #expect(last["type"]?.stringValue == "run-end", "the run was closed, not cut off")
  }

  @Test func restartAfterSIGKILLRecoversAndNeverReusesSequenceNumbers() async throws {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // Segments stay open (age limit far away), so the kill certainly leaves one in tmp/.
    let config = try Self.writeSimulatedRamanConfiguration(
      in: directory, spool: "crashy", segmentMaxAgeSeconds: 600)
    let first = try ChildProcess(daemon, ["--config", config], currentDirectory: directory)
    #expect(await first.wait(upTo: .seconds(60)) { self.acquisitionLines($0) >= 3 })
    first.send(SIGKILL)
    _ = await first.waitForExit(upTo: .seconds(30))
    let layout = SpoolLayout(root: directory + "/crashy")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: layout.tmp)
    #expect(!leftovers.isEmpty, "the killed daemon had an open segment")

    let second = try ChildProcess(daemon, ["--config", config], currentDirectory: directory)
    #expect(await second.wait(upTo: .seconds(60)) { self.acquisitionLines($0) >= 3 })
    #expect(second.standardError.contains("recovered spool after an unclean stop"))
    second.send(SIGTERM)
    #expect(await second.waitForExit(upTo: .seconds(30)) == 0)

    let report = try SpoolVerifier.verify(layout)
    #expect(report.isClean, "\(report.problems)")
    let all = try records(in: layout)
    var runs: [String] = []
    for run in all.compactMap({ $0["run_id"]?.stringValue }) where !runs.contains(run) {
      runs.append(run)
    }
    #expect(runs.count == 2)
    let sequences = all.compactMap { $0["seq"]?.doubleValue }
    #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
    let firstRunAcquisitions = all.filter {
      $0["run_id"]?.stringValue == runs.first && $0["type"]?.stringValue == "acquisition"
    }
    #expect(firstRunAcquisitions.count >= 3, "acquisitions of the killed run were recovered")
  }

  @Test func checkConfigReportsErrorsWithLocationAndExitStatus78() async throws {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/bad.toml"
    try """
    [spool]
    path = "/tmp/x"
    segment_max_age_s = "soon"
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let bad = try ChildProcess(daemon, ["--check-config", path])
    #expect(await bad.waitForExit(upTo: .seconds(30)) == 78)
    #expect(bad.standardError.contains("\(path):3: spool.segment_max_age_s: expected a number"))

    let goodPath = directory + "/good.toml"
    try "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"
      .write(toFile: goodPath, atomically: true, encoding: .utf8)
    let good = try ChildProcess(daemon, ["--check-config", goodPath])
    #expect(await good.waitForExit(upTo: .seconds(30)) == 0)
    #expect(good.standardOutput.contains("ok (1 instruments: r [raman, simulated]"))
  }

  /// The spool's test-only fault injection never reaches an installed service's spool.
  @Test func spoolFaultInjectionIsRefusedUnderTheService() async throws {
    let daemon = try ProductsDirectory.executable("whitlockd")
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/service.toml"
    try "[daemon]\nallow_simulated = true\n[[instrument]]\nid = \"r\"\nkind = \"raman\"\n"
      .appending("driver = \"simulated\"\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    var environment = ProcessInfo.processInfo.environment
    environment["WHITLOCK_SPOOL_INJECT_FAULT"] = "fsync:2"
    let refused = try ChildProcess(
      daemon, ["--service", "--config", path, "--spool", directory + "/spool"],
      environment: environment)
    #expect(await refused.waitForExit(upTo: .seconds(30)) == 78)
    #expect(refused.standardError.contains("refused under --service"))
    #expect(!FileManager.default.fileExists(atPath: directory + "/spool"), "nothing written")
  }
}
