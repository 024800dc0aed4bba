import Foundation
import TestSupport
import WhitlockCore
import WhitlockCtlKit

/// The issue-8 fault matrix: each scenario drives the real binaries and returns table rows.
struct Scenarios {
  var unplugCycles: Int
  var crashCycles: Int
  var lineFaultPresets: Int

  /// Unplug/replug: the simulator hangs up and comes back on a new pseudo-terminal, cycle after
  /// cycle, while the daemon acquires.
  func unplugReplug() async throws -> [MatrixRow] {
    let scratch = try Scratch("unplug")
    defer { scratch.remove() }
    let link = scratch.path + "/dp5"
    let simulator = try await Harness.simulator(
      link: link,
      [
        "--disconnect-after", "25", "--max-disconnects", "\(unplugCycles)",
        "--reconnect-delay", "0.2",
      ])
    defer { simulator.send(SIGKILL) }
    let configuration = try Harness.dp5Configuration(scratch, link: link, exposure: 0.2)
    let (daemon, _) = try await Harness.daemon(configuration)
    // Reconnect time: from the device's reappearance to the daemon's next "instrument opened".
    var reappeared: [ContinuousClock.Instant] = []
    var reopened: [ContinuousClock.Instant] = []
    let deadline = ContinuousClock.now + .seconds(Double(unplugCycles) * 20 + 60)
    while ContinuousClock.now < deadline {
      let back = simulator.standardOutput.components(separatedBy: "dp5-sim: reconnected").count - 1
      let opened = daemon.standardError.components(separatedBy: "instrument opened").count - 1
      while reappeared.count < back { reappeared.append(.now) }
      while reopened.count < opened { reopened.append(.now) }
      if reappeared.count >= unplugCycles && reopened.count > unplugCycles { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    // A few acquisitions on the stable link after the last replug.
    let settled = Harness.completedPresets(simulator).count + 2
    _ = await simulator.wait(upTo: .seconds(30)) {
      Harness.completedPresets($0).count >= settled
    }
    let (status, _) = await Harness.terminate(daemon)
    let account = DeliveryAccount(
      completed: Harness.completedPresets(simulator), records: Harness.records(scratch.spool))
    // The first "instrument opened" is the initial open; each later one follows a replug.
    let times = zip(reappeared, reopened.dropFirst()).map { ($1 - $0).seconds }
    let worst = times.max() ?? .infinity
    let mean = times.isEmpty ? .infinity : times.reduce(0, +) / Double(times.count)
    let ok =
      times.count == unplugCycles && worst <= 2 && account.lost.isEmpty
      && account.duplicated == 0 && status == 0
    return [
      MatrixRow(
        scenario: "unplug/replug", cycles: times.count, completed: "\(account.completed)",
        spooled: "\(account.spooled)", lost: "\(account.lost.count)",
        duplicated: "\(account.duplicated)", verdict: ok ? "PASS" : "FAIL",
        notes:
          "reconnect mean \(format(mean)) s, max \(format(worst)) s; interrupted "
          + "\(account.interrupted); exit \(status.map(String.init) ?? "timeout")"
          + (account.lost.isEmpty ? "" : "; lost presets \(account.lost.prefix(10))"))
    ]
  }

  /// Line faults, one kind at a time: the daemon must keep acquiring and count what went wrong.
  func lineFaults() async throws -> [MatrixRow] {
    let kinds: [(String, [String])] = [
      ("garbage bytes", ["--garbage", "0.3"]),
      ("truncated packets", ["--truncate", "0.1"]),
      ("checksum errors", ["--corrupt-checksum", "0.2"]),
      ("dropped replies", ["--drop-reply", "0.1"]),
      ("stalls > timeout", ["--delay-reply", "0.1", "--delay-seconds", "0.6"]),
      ("busy ACKs", ["--busy", "0.2"]),
    ]
    var rows: [MatrixRow] = []
    for (name, options) in kinds {
      rows.append(try await lineFault(name, options))
    }
    rows.append(try await wrongDevice())
    return rows
  }

  private func lineFault(_ name: String, _ options: [String]) async throws -> MatrixRow {
    let scratch = try Scratch("line")
    defer { scratch.remove() }
    let link = scratch.path + "/dp5"
    let simulator = try await Harness.simulator(link: link, options + ["--fault-seed", "11"])
    defer { simulator.send(SIGKILL) }
    let configuration = try Harness.dp5Configuration(
      scratch, link: link, exposure: 0.2, extra: "reply_timeout_s = 0.3\nretries = 6")
    let (daemon, endpoint) = try await Harness.daemon(configuration)
    let recovered = await simulator.wait(upTo: .seconds(120)) {
      Harness.completedPresets($0).count >= lineFaultPresets
    }
    _ = await daemon.wait(upTo: .seconds(10)) {
      $0.standardError.components(separatedBy: " ch mg_ca_ratio").count > lineFaultPresets / 2
    }
    let metrics = Harness.metrics(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let account = DeliveryAccount(
      completed: Harness.completedPresets(simulator), records: Harness.records(scratch.spool))
    let injected = simulator.standardOutput.components(separatedBy: "fault: ").count - 1
    let errorLines = daemon.standardError.split(separator: "\n").filter {
      $0.contains(" ERROR ") || $0.contains(" WARNING ")
    }
    let sample = errorLines.last.map { line -> String in
      let marker = line.range(of: " WARNING ") ?? line.range(of: " ERROR ")
      return String((marker.map { line[$0.upperBound...] } ?? line[...]).prefix(90))
    }
    func trouble(_ kind: String) -> Int {
      Int(metrics["whitlock_link_trouble_total:" + kind] ?? 0)
    }
    let ok =
      recovered && account.lost.isEmpty && account.duplicated == 0 && status == 0
    return MatrixRow(
      scenario: "line: \(name)", cycles: injected, completed: "\(account.completed)",
      spooled: "\(account.spooled)", lost: "\(account.lost.count)",
      duplicated: "\(account.duplicated)", verdict: ok ? "PASS" : "FAIL",
      notes:
        "link_trouble_total{retries \(trouble("retries")), skipped_bytes "
        + "\(trouble("skipped_bytes")), corrupted_frames \(trouble("corrupted_frames"))}, "
        + "errors_total \(Int(metrics["whitlock_errors_total"] ?? -1)), "
        + "\(errorLines.count) error/warning log lines"
        + (sample.map { "; e.g. \($0)" } ?? ""))
  }

  /// A device on the port that is not a DP5: it answers every request with its own echo.
  private func wrongDevice() async throws -> MatrixRow {
    let scratch = try Scratch("wrong")
    defer { scratch.remove() }
    let link = scratch.path + "/dp5"
    let script = """
      import os, pty, sys, time
      main, sub = pty.openpty()
      os.symlink(os.ttyname(sub), sys.argv[1])
      print("ready", flush=True)
      while True:
          data = os.read(main, 4096)
          os.write(main, data)
      """
    let device = try ChildProcess("/usr/bin/env", ["python3", "-c", script, link])
    defer { device.send(SIGKILL) }
    guard await device.wait(upTo: .seconds(20), until: { $0.standardOutput.contains("ready") })
    else { throw ScenarioFailure(description: "echo device: \(device.standardError)") }
    let configuration = try Harness.dp5Configuration(
      scratch, link: link, exposure: 0.2, extra: "reply_timeout_s = 0.2\nretries = 2")
    let (daemon, endpoint) = try await Harness.daemon(configuration)
    _ = await daemon.wait(upTo: .seconds(30)) {
      $0.standardError.components(separatedBy: "cannot open instrument").count > 3
    }
    let metrics = Harness.metrics(endpoint)
    let ready = Harness.readiness(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let failures = daemon.standardError.split(separator: "\n").filter {
      $0.contains("cannot open instrument")
    }
    let reason = failures.first.map { line -> String in
      let text = line.range(of: "error=").map { String(line[$0.upperBound...]) } ?? String(line)
      return String(text.prefix(70))
    }
    let acquisitions = Harness.records(scratch.spool).filter {
      $0["type"]?.stringValue == "acquisition"
    }
    let ok = !failures.isEmpty && acquisitions.isEmpty && status == 0 && ready != 200
    return MatrixRow(
      scenario: "line: wrong device", cycles: failures.count, completed: "0",
      spooled: "\(acquisitions.count)", lost: "0", duplicated: "0",
      verdict: ok ? "PASS" : "FAIL",
      notes:
        "refused, retried with backoff; /readyz \(ready); errors_total "
        + "\(Int(metrics["whitlock_errors_total"] ?? -1)); \(reason ?? "no error logged")")
  }

  /// Disk full: the spool on an 8 MB tmpfs that fills up, then gets space back.
  func diskFull() async throws -> [MatrixRow] {
    let scratch = try Scratch("diskfull")
    defer { scratch.remove() }
    try FileManager.default.createDirectory(
      atPath: scratch.spool, withIntermediateDirectories: true)
    let mount = try ChildProcess(
      "/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", scratch.spool])
    guard await mount.waitForExit(upTo: .seconds(20)) == 0 else {
      return [
        MatrixRow(
          scenario: "disk full (tmpfs)", cycles: 0, completed: "-", spooled: "-", lost: "-",
          duplicated: "-", verdict: "SKIP",
          notes: "mount -t tmpfs not permitted here: \(mount.standardError.prefix(80))")
      ]
    }
    defer {
      let unmount = Process()
      unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
      unmount.arguments = [scratch.spool]
      try? unmount.run()
      unmount.waitUntilExit()
    }
    // Ballast leaves about 1.5 MB, so the disk fills within seconds.
    let ballast = scratch.spool + "/ballast"
    _ = FileManager.default.createFile(
      atPath: ballast, contents: Data(repeating: 0x55, count: 6_500_000))
    let consumed = scratch.path + "/consumed"
    try FileManager.default.createDirectory(
      atPath: consumed + "/new", withIntermediateDirectories: true)
    let configuration = try Harness.loadConfiguration(scratch, ramanExposure: 0.02, pacing: 1)
    let (daemon, endpoint) = try await Harness.daemon(configuration)
    var failing = false
    let fillDeadline = ContinuousClock.now + .seconds(120)
    while ContinuousClock.now < fillDeadline {
      if Harness.metrics(endpoint)["whitlock_spool_failing"] ?? 0 > 0 {
        failing = true
        break
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    let backlogStart = Harness.metrics(endpoint)["whitlock_spool_backlog_records"] ?? 0
    try await Task.sleep(for: .seconds(3))
    let full = Harness.metrics(endpoint)
    let backlogFull = full["whitlock_spool_backlog_records"] ?? 0
    let readyWhileFull = Harness.readiness(endpoint)
    let tornWhileFull = try await Harness.verify(scratch.spool)["problems"]?.elements?.count ?? -1
    // Space returns: the ballast goes, and a consumer ships published segments elsewhere.
    try FileManager.default.removeItem(atPath: ballast)
    var resumed = false
    let drainDeadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < drainDeadline {
      Harness.consume(scratch.spool, into: consumed)
      let now = Harness.metrics(endpoint)
      if now["whitlock_spool_failing"] == 0 && (now["whitlock_spool_backlog_records"] ?? 1) < 50 {
        resumed = true
        break
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    let readyAfter = Harness.readiness(endpoint)
    let final = Harness.metrics(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let report = try await Harness.verify(scratch.spool)
    let consumedReport = try await Harness.verify(consumed)
    let records = Harness.records(scratch.spool, consumed: consumed)
    let ends = records.filter { $0["type"]?.stringValue == "run-end" }
    func summed(_ key: String) -> Int {
      ends.reduce(0) { $0 + Int($1["summary"]?[key]?.doubleValue ?? 0) }
    }
    let completed = summed("acquisitions_completed")
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }
    let dropped = summed("acquisitions_dropped")
    let refused = Int(final["whitlock_spool_records_refused_total"] ?? -1)
    let seqs = records.compactMap { $0["seq"]?.doubleValue }
    let duplicates = seqs.count - Set(seqs).count
    let clean = report["clean"] == .bool(true) && consumedReport["clean"] == .bool(true)
    let lost = completed - acquisitions.count
    let ok =
      failing && backlogFull > backlogStart && readyWhileFull == 503 && tornWhileFull == 0
      && resumed && readyAfter == 200 && clean && lost == 0 && dropped == 0 && refused == 0
      && status == 0
    return [
      MatrixRow(
        scenario: "disk full (tmpfs 8M)", cycles: 1, completed: "\(completed)",
        spooled: "\(acquisitions.count)", lost: "\(lost)", duplicated: "\(duplicates)",
        verdict: ok ? "PASS" : "FAIL",
        notes:
          "failing=\(failing), backlog \(Int(backlogStart))→\(Int(backlogFull)), /readyz full "
          + "\(readyWhileFull) after \(readyAfter), torn \(tornWhileFull), resumed \(resumed), "
          + "dropped \(dropped), refused \(refused), verify clean \(clean)")
    ]
  }

  /// SIGKILL at random moments during heavy writing; the next start must recover a spool that
  /// verifies clean.
  func crash() async throws -> [MatrixRow] {
    let scratch = try Scratch("crash")
    defer { scratch.remove() }
    let configuration = try Harness.loadConfiguration(scratch)
    var killed = 0
    for _ in 0..<crashCycles {
      let (daemon, _) = try await Harness.daemon(configuration)
      let delay = Double.random(in: 0.05...1.5)
      try await Task.sleep(for: .seconds(delay))
      daemon.send(SIGKILL)
      _ = await daemon.waitForExit(upTo: .seconds(30))
      killed += 1
    }
    // The next start recovers tmp/; a clean stop publishes everything.
    let (daemon, _) = try await Harness.daemon(configuration)
    try await Task.sleep(for: .seconds(1))
    let (status, _) = await Harness.terminate(daemon)
    let report = try await Harness.verify(scratch.spool)
    let records = Harness.records(scratch.spool)
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }
    let torn = report["problems"]?.elements?.count ?? -1
    let duplicates = report["duplicate_seq"]?.elements?.count ?? -1
    let quarantined = report["quarantined"]?.elements?.count ?? -1
    let leftovers = report["tmp_leftovers"]?.elements?.count ?? -1
    let ok = report["clean"] == .bool(true) && torn == 0 && duplicates == 0 && status == 0
    return [
      MatrixRow(
        scenario: "crash (SIGKILL)", cycles: killed, completed: "n/a",
        spooled: "\(acquisitions.count)", lost: "n/a", duplicated: "\(duplicates)",
        verdict: ok ? "PASS" : "FAIL",
        notes:
          "verify: \(report["records"]?.doubleValue.map { Int($0) } ?? -1) records, torn \(torn), "
          + "tmp leftovers \(leftovers), quarantined files \(quarantined)")
    ]
  }

  /// SIGTERM under full load: drained and exited with status 0 within 5 s.
  func sigterm() async throws -> [MatrixRow] {
    let scratch = try Scratch("sigterm")
    defer { scratch.remove() }
    let configuration = try Harness.loadConfiguration(scratch, ramanExposure: 0.005)
    var times: [Double] = []
    var statuses: [Int32?] = []
    for _ in 0..<3 {
      let (daemon, _) = try await Harness.daemon(configuration)
      try await Task.sleep(for: .seconds(3))
      let (status, elapsed) = await Harness.terminate(daemon)
      times.append(elapsed.seconds)
      statuses.append(status)
    }
    let report = try await Harness.verify(scratch.spool)
    let records = Harness.records(scratch.spool)
    let ends = records.filter { $0["type"]?.stringValue == "run-end" }
    let completed = ends.reduce(0) {
      $0 + Int($1["summary"]?["acquisitions_completed"]?.doubleValue ?? 0)
    }
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }.count
    let duplicates = report["duplicate_seq"]?.elements?.count ?? -1
    let ok =
      statuses.allSatisfy { $0 == 0 } && (times.max() ?? 99) <= 5
      && report["clean"] == .bool(true) && completed == acquisitions
    return [
      MatrixRow(
        scenario: "SIGTERM under load", cycles: times.count, completed: "\(completed)",
        spooled: "\(acquisitions)", lost: "\(completed - acquisitions)",
        duplicated: "\(duplicates)", verdict: ok ? "PASS" : "FAIL",
        notes:
          "exit \(statuses.map { $0.map(String.init) ?? "timeout" }.joined(separator: ",")) "
          + "in max \(format(times.max() ?? 0)) s (limit 5 s)")
    ]
  }
}
