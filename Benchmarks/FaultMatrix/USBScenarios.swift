import Foundation
import TestSupport
import WhitlockCore
import WhitlockCtlKit

/// A Raman family on the emulated USB bus (`whitlock-sim usb`), driven by the real daemon
/// through libusb: how to put it on the bus, configure it, and see its spectrum requests.
struct USBFamily {
  var name: String
  var testbed: [String]
  var serial: String
  var driver: String
  var device: String
  /// The `--trace-out` line of one spectrum request.
  var spectrumRequest: String
  /// Bytes of one spectrum on the wire.
  var messageBytes: Int

  static let ooi = USBFamily(
    name: "ooi USB2000+", testbed: ["--family", "ocean-ooi", "--model", "USB2000PLUS"],
    serial: "USB2+F0001", driver: "ocean-ooi", device: "model = \"USB2000PLUS\"",
    spectrumRequest: "out 0x1 9\n", messageBytes: 4097)
  static let wasatch = USBFamily(
    name: "wasatch FX2", testbed: ["--family", "wasatch"], serial: "WP-F0001",
    driver: "wasatch", device: "laser_enabled = true", spectrumRequest: "control 0x40 0xad\n",
    messageBytes: 2048)
}

/// One daemon against one emulated USB device, with what the device delivered.
struct USBBench {
  let family: USBFamily
  let scratch: Scratch
  let testbed: USBTestbed
  let configuration: String

  init(
    _ family: USBFamily, _ name: String, faults: [String] = [], testbed extra: [String] = [],
    exposure: Double = 0.1
  ) async throws {
    self.family = family
    scratch = try Scratch(name)
    testbed = try await USBTestbed(
      family.testbed + [
        "--serial", family.serial, "--pacing", "1", "--trace-out", "--trace-spectra",
      ] + faults + extra)
    configuration = scratch.path + "/whitlockd.toml"
    try """
    \(Harness.spoolAndMonitor(scratch))
    [[instrument]]
    id = "usb"
    kind = "raman"
    driver = "\(family.driver)"
    exposure_s = \(exposure)
    [instrument.device]
    \(family.device)
    usb_serial = "\(family.serial)"
    """.write(toFile: configuration, atomically: true, encoding: .utf8)
  }

  func daemon() async throws -> (ChildProcess, MonitorEndpoint) {
    try await Harness.daemon(configuration, environment: testbed.environment)
  }

  /// Fingerprints of the spectra the host received whole, in order.
  var delivered: [String] {
    testbed.simulator.standardOutput.split(separator: "\n").compactMap { line in
      let words = line.split(separator: " ")
      guard words.count == 5, words[0] == "usb-sim:", words[2] == "spectrum",
        words[4] == "delivered"
      else { return nil }
      return String(words[3])
    }
  }

  /// Spectrum requests the device received.
  var requests: Int {
    testbed.simulator.standardOutput.components(separatedBy: family.spectrumRequest).count - 1
  }

  /// Whether the device's latest spectrum event is a request: one is on the device, unanswered.
  var requestInFlight: Bool {
    let output = testbed.simulator.standardOutput
    guard let request = output.range(of: family.spectrumRequest, options: .backwards) else {
      return false
    }
    guard let answer = output.range(of: " delivered\n", options: .backwards) else { return true }
    return request.lowerBound > answer.lowerBound
  }

  /// Waits until a spectrum request is on the device and unanswered (mid-transfer).
  func waitForRequestInFlight() async -> Bool {
    await testbed.simulator.wait(upTo: .seconds(60)) { _ in self.requestInFlight }
  }

  /// Whole spectra the daemon's opens dropped as a killed predecessor's (`stale_bytes`).
  func drainedSpectra(_ daemons: [ChildProcess]) -> Int {
    let bytes = daemons.flatMap { $0.standardError.split(separator: "\n") }.reduce(0) {
      total, line in
      guard line.contains("dropped stale replies"), let range = line.range(of: "stale_bytes=")
      else { return total }
      return total + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
    }
    return bytes / family.messageBytes
  }

  /// Ends the scenario with nothing the device delivered left unread: the device is unplugged
  /// while a request is on it, then the daemon stops cleanly.
  func finish(_ daemon: ChildProcess) async -> Int32? {
    _ = await waitForRequestInFlight()
    _ = await testbed.unplug(family.serial)
    _ = await daemon.wait(upTo: .seconds(30)) { $0.standardError.contains("device removed") }
    let (status, _) = await Harness.terminate(daemon)
    return status
  }

  /// Keeps the logs of a failed row in the temporary directory, named in the row's notes.
  func keepLogs(_ daemons: [ChildProcess], ok: Bool) -> String {
    guard !ok else { return "" }
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-faults-\(UUID().uuidString.prefix(8)).log").path
    let text =
      "== simulator\n" + testbed.simulator.standardOutput + testbed.simulator.standardError
      + daemons.enumerated().map { "== daemon \($0)\n" + $1.standardError }.joined()
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
    return "; logs in \(path)"
  }

  func stop() async {
    await testbed.stop()
    scratch.remove()
  }
}

/// Spectra the device delivered whole against the acquisitions the spool holds.
struct USBSpectrumAccount {
  var completed: Int
  var spooled: Int
  var lost: Int
  var duplicated: Int
  /// Spooled spectra the device never delivered whole: damaged data recorded as data.
  var phantom: Int
  /// Whole spectra a daemon drained at open (a killed predecessor's, never anyone's result).
  var drained: Int

  init(delivered: [String], records: [JSONValue], drained: Int) {
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }
    let keys = acquisitions.map { record -> String in
      guard case .array(let counts)? = record["counts"] else { return "?" }
      return SpectrumFingerprint.of(counts.map { UInt32($0.doubleValue ?? 0) })
    }
    self.drained = drained
    completed = Set(delivered).count
    spooled = keys.count
    duplicated = keys.count - Set(keys).count
    phantom = Set(keys).subtracting(delivered).count
    lost = max(0, Set(delivered).subtracting(keys).count - drained)
  }
}

extension Scenarios {
  /// Every USB row: unplug/replug, link faults, a wrong model, a killed daemon, per family.
  func usbFaults() async throws -> [MatrixRow] {
    var rows: [MatrixRow] = []
    for family in [USBFamily.ooi, .wasatch] {
      rows.append(try await usbUnplugReplug(family))
      for (name, options) in [
        ("EPIPE stalls", ["--stall-every", "5"]), ("short reads", ["--short-every", "3"]),
        ("babble", ["--babble-every", "7"]), ("timeouts", ["--drop-every", "6"]),
      ] {
        rows.append(try await usbLinkFault(family, name, options))
      }
      rows.append(try await usbKilledDaemon(family))
    }
    rows.append(try await usbWrongModel())
    return rows
  }

  private func row(
    _ scenario: String, cycles: Int, _ account: USBSpectrumAccount, ok: Bool, notes: String
  ) -> MatrixRow {
    MatrixRow(
      scenario: scenario, cycles: cycles, completed: "\(account.completed)",
      spooled: "\(account.spooled)", lost: "\(account.lost)",
      duplicated: "\(account.duplicated)", verdict: ok ? "PASS" : "FAIL", notes: notes)
  }

  /// Unplugged while a spectrum request is on the device, away 0.2 s, back with the same
  /// serial: the interrupted acquisition is counted, every delivered spectrum spooled once.
  func usbUnplugReplug(_ family: USBFamily) async throws -> MatrixRow {
    // The exposure leaves the unplug a wide margin before the spectrum would arrive.
    let bench = try await USBBench(family, "usb-unplug", exposure: 0.3)
    defer { Task { await bench.stop() } }
    let (daemon, _) = try await bench.daemon()
    var times: [Double] = []
    var failure: String?
    for cycle in 0...unplugCycles {
      if cycle > 0 {
        let plugged = ContinuousClock.now
        guard await bench.testbed.replug(family.serial) else {
          failure = "replug refused in cycle \(cycle)"
          break
        }
        let reopened = await daemon.wait(upTo: .seconds(30)) {
          Harness.count("instrument opened", in: $0) > cycle
        }
        guard reopened else {
          failure = "no reconnect in cycle \(cycle)"
          break
        }
        times.append((ContinuousClock.now - plugged).seconds)
      }
      let before = bench.delivered.count
      let going = await daemon.wait(upTo: .seconds(60)) { _ in bench.delivered.count >= before + 2 }
      guard going, await bench.waitForRequestInFlight() else {
        failure = "no spectra in cycle \(cycle)"
        break
      }
      if cycle == unplugCycles { break }
      try await Task.sleep(for: .milliseconds(Int.random(in: 0...40)))
      guard await bench.testbed.unplug(family.serial) else {
        failure = "unplug refused in cycle \(cycle)"
        break
      }
      _ = await daemon.wait(upTo: .seconds(30)) {
        Harness.count("device removed", in: $0) > cycle
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    let status = await bench.finish(daemon)
    let records = Harness.records(bench.scratch.spool)
    let account = USBSpectrumAccount(
      delivered: bench.delivered, records: records, drained: bench.drainedSpectra([daemon]))
    let interrupted = records.filter { $0["type"]?.stringValue == "run-end" }.reduce(0) {
      $0 + Int($1["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0)
    }
    let worst = times.max() ?? .infinity
    let mean = times.isEmpty ? .infinity : times.reduce(0, +) / Double(times.count)
    let ok =
      failure == nil && times.count == unplugCycles && account.lost == 0
      && account.duplicated == 0 && account.phantom == 0 && status == 0
    return row(
      "usb \(family.name) unplug/replug", cycles: times.count, account, ok: ok,
      notes:
        "reconnect mean \(format(mean)) s, max \(format(worst)) s; interrupted in run-end "
        + "\(interrupted); spooled as data \(account.phantom); exit "
        + "\(status.map(String.init) ?? "timeout")" + (failure.map { "; \($0)" } ?? "")
        + bench.keepLogs([daemon], ok: ok))
  }

  /// One kind of bus fault, injected by the bridge on every n-th bulk IN transfer.
  func usbLinkFault(_ family: USBFamily, _ name: String, _ options: [String]) async throws
    -> MatrixRow
  {
    let bench = try await USBBench(family, "usb-line", faults: options)
    defer { Task { await bench.stop() } }
    let (daemon, endpoint) = try await bench.daemon()
    let recovered = await daemon.wait(upTo: .seconds(180)) { _ in
      bench.delivered.count >= lineFaultPresets
    }
    let metrics = Harness.metrics(endpoint)
    let log = daemon.standardError
    let status = await bench.finish(daemon)
    let account = USBSpectrumAccount(
      delivered: bench.delivered, records: Harness.records(bench.scratch.spool),
      drained: bench.drainedSpectra([daemon]))
    let warnings = log.split(separator: "\n").filter {
      $0.contains(" ERROR ") || $0.contains(" WARNING ")
    }
    let sample = warnings.last.map { line -> String in
      let marker = line.range(of: " WARNING ") ?? line.range(of: " ERROR ")
      return String((marker.map { line[$0.upperBound...] } ?? line[...]).prefix(100))
    }
    let ok =
      recovered && account.lost == 0 && account.duplicated == 0 && account.phantom == 0
      && status == 0
    return row(
      "usb \(family.name): \(name)", cycles: bench.requests, account, ok: ok,
      notes:
        "errors_total \(Int(metrics["whitlock_errors_total"] ?? -1)), \(warnings.count) "
        + "error/warning log lines; exit \(status.map(String.init) ?? "timeout")"
        + (sample.map { "; e.g. \($0)" } ?? ""))
  }

  /// The daemon is SIGKILLed while a spectrum request is on the device; the spectrum becomes
  /// ready with nobody reading, and the next daemon must drain it, not record it.
  func usbKilledDaemon(_ family: USBFamily) async throws -> MatrixRow {
    // A long exposure, so the kill lands while the spectrum is still on the device.
    let bench = try await USBBench(family, "usb-kill", exposure: 0.6)
    defer { Task { await bench.stop() } }
    let kills = max(2, crashCycles / 20)
    var failure: String?
    var daemons: [ChildProcess] = []
    for kill in 0...kills {
      let (daemon, _) = try await bench.daemon()
      daemons.append(daemon)
      // Killed mid-exposure once a spectrum of its own is spooled (what a SIGKILL takes from
      // memory is the spool crash rows' subject; this row is about the device's stale data).
      let going = await daemon.wait(upTo: .seconds(60)) { Harness.acquisitionLogs(in: $0) >= 1 }
      guard going, await bench.waitForRequestInFlight() else {
        failure = "no spectra after restart \(kill)"
        break
      }
      if kill == kills { break }
      daemon.send(SIGKILL)
      _ = await daemon.waitForExit(upTo: .seconds(30))
      try await Task.sleep(for: .milliseconds(1000))
    }
    var finished: Int32?
    if let last = daemons.last { finished = await bench.finish(last) }
    let account = USBSpectrumAccount(
      delivered: bench.delivered, records: Harness.records(bench.scratch.spool),
      drained: bench.drainedSpectra(daemons))
    let ok =
      failure == nil && account.lost == 0 && account.duplicated == 0 && account.phantom == 0
      && account.drained == kills && finished == 0
    return row(
      "usb \(family.name): killed daemon, stale IN", cycles: kills, account, ok: ok,
      notes:
        "stale spectra drained at open \(account.drained) of \(kills) left; spooled as data "
        + "\(account.phantom); exit \(finished.map(String.init) ?? "timeout")"
        + (failure.map { "; \($0)" } ?? "") + bench.keepLogs(daemons, ok: ok))
  }

  /// An HR4000 answering on the USB2000+'s product ID: refused at open, never acquired.
  func usbWrongModel() async throws -> MatrixRow {
    let bench = try await USBBench(
      .ooi, "usb-wrong", testbed: ["--model", "HR4000", "--product-id", "0x101e"])
    defer { Task { await bench.stop() } }
    let (daemon, endpoint) = try await bench.daemon()
    _ = await daemon.wait(upTo: .seconds(60)) {
      Harness.count("cannot open instrument", in: $0) >= 3
    }
    let ready = Harness.readiness(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let failures = daemon.standardError.split(separator: "\n").filter {
      $0.contains("cannot open instrument")
    }
    let reason = failures.first.flatMap { line in
      line.range(of: "device reports").map { String(line[$0.lowerBound...].prefix(70)) }
    }
    let acquisitions = Harness.records(bench.scratch.spool).filter {
      $0["type"]?.stringValue == "acquisition"
    }
    let ok =
      failures.count >= 3 && acquisitions.isEmpty && status == 0 && ready != 200
      && bench.requests == 0 && reason != nil
    return MatrixRow(
      scenario: "usb ooi: HR4000 on the USB2000+ PID", cycles: failures.count, completed: "0",
      spooled: "\(acquisitions.count)", lost: "0", duplicated: "0",
      verdict: ok ? "PASS" : "FAIL",
      notes: "refused, retried with backoff; /readyz \(ready); \(reason ?? "no reason logged")")
  }
}

extension Harness {
  /// Acquisitions the daemon has logged as spooled (`#N … seq S`).
  static func acquisitionLogs(in daemon: ChildProcess) -> Int {
    daemon.standardError.split(separator: "\n").filter {
      $0.contains(" ch ") && $0.contains(" seq ")
    }.count
  }
}
