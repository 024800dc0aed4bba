import Foundation
import TestSupport
import WhitlockCore
import WhitlockCtlKit

/// The Ocean Insight OBP family through the real daemon against `whitlock-sim obp`.
///
/// "Completed on the device" is what the simulator logs as `obp-sim: spectrum N served`: an intact
/// spectrum reply written to the line, N being the spectrum counter a QE Pro carries in its
/// metadata (the driver spools that metadata as `metadata_hex`). Each simulator instance gets
/// its own serial number, so (serial, counter) names one spectrum across replugs.
extension Harness {
  /// Starts `whitlock-sim obp` (QE Pro unless `options` say otherwise) on a pseudo-terminal
  /// linked at `link`; spectra are held back for their integration time, as on a real device.
  static func obpSimulator(link: String, serial: String, _ options: [String] = []) async throws
    -> ChildProcess
  {
    let child = try ChildProcess(
      try executable("whitlock-sim"),
      ["obp", "--link", link, "--serial", serial, "--pacing", "1"] + options)
    let started = await child.wait(upTo: .seconds(30)) {
      $0.standardOutput.contains("\"link\"") || !$0.isRunning
    }
    guard started, child.isRunning else {
      throw ScenarioFailure(description: "obp simulator did not start: \(child.standardError)")
    }
    return child
  }

  /// A configuration with one QE Pro over OBP on the serial line at `link`.
  static func obpConfiguration(_ scratch: Scratch, link: String, exposure: Double) throws
    -> String
  {
    let path = scratch.path + "/whitlockd.toml"
    try """
    \(Harness.spoolAndMonitor(scratch))
    [[instrument]]
    id = "qepro"
    kind = "raman"
    driver = "ocean-obp"
    exposure_s = \(exposure)
    [instrument.device]
    model = "QE Pro"
    transport = "serial"
    port = "\(link)"
    excitation_nm = 785
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The spectrum counters an OBP simulator reports as served, in order.
  static func servedSpectra(_ simulator: ChildProcess) -> [Int] {
    simulator.standardOutput.split(separator: "\n").compactMap { line -> Int? in
      guard line.hasPrefix("obp-sim: spectrum "), line.hasSuffix(" served") else { return nil }
      return Int(line.split(separator: " ")[2])
    }
  }

  /// Spectrum requests an OBP simulator received.
  static func spectrumRequests(_ simulator: ChildProcess) -> Int {
    simulator.standardOutput.components(separatedBy: "obp-sim: spectrum requested").count - 1
  }

  /// Occurrences of `text` in the daemon's log.
  static func count(_ text: String, in child: ChildProcess) -> Int {
    child.standardError.components(separatedBy: text).count - 1
  }
}

/// Compares the spectra OBP simulators served with the acquisitions the spool holds.
struct SpectrumAccount {
  var completed: Int
  var spooled: Int
  var lost: [String]
  var duplicated: Int
  /// Spooled spectra no simulator served intact: interrupted or corrupted data recorded as data.
  var phantom: Int

  /// `served` maps a simulator's serial number to the counters it served.
  init(served: [String: [Int]], records: [JSONValue]) {
    let expected = Set(served.flatMap { serial, counters in counters.map { "\(serial)#\($0)" } })
    let keys = records.filter { $0["type"]?.stringValue == "acquisition" }.map { record in
      let serial = record["instrument"]?["serial"]?.stringValue ?? "?"
      let hex = record["acquisition"]?["parameters"]?["metadata_hex"]?.stringValue ?? ""
      return "\(serial)#\(Self.counter(hex).map(String.init) ?? "?")"
    }
    completed = expected.count
    spooled = keys.count
    duplicated = keys.count - Set(keys).count
    lost = expected.subtracting(keys).sorted()
    phantom = Set(keys).subtracting(expected).count
  }

  /// The little-endian u32 at the start of the QE Pro metadata.
  static func counter(_ hex: String) -> Int? {
    let digits = Array(hex.prefix(8))
    guard digits.count == 8 else { return nil }
    var value = 0
    for index in stride(from: 6, through: 0, by: -2) {
      guard let byte = Int(String(digits[index..<index + 2]), radix: 16) else { return nil }
      value = value << 8 | byte
    }
    return value
  }
}

extension Scenarios {
  /// OBP unplug/replug: the simulator is killed while the daemon waits for a spectrum (a
  /// request in flight), stays away 0.2 s and comes back on the same link with a new serial.
  func oceanUnplugReplug() async throws -> [MatrixRow] {
    let scratch = try Scratch("obp-unplug")
    defer { scratch.remove() }
    let link = scratch.path + "/obp"
    func serial(_ cycle: Int) -> String { String(format: "QEPC%04d", cycle) }
    var simulator = try await Harness.obpSimulator(link: link, serial: serial(0))
    var simulators = [serial(0): simulator]
    defer { simulators.values.forEach { $0.send(SIGKILL) } }
    let configuration = try Harness.obpConfiguration(scratch, link: link, exposure: 0.1)
    let (daemon, _) = try await Harness.daemon(configuration)
    var times: [Double] = []
    var interrupted = 0
    var failure: String?
    for cycle in 0...unplugCycles {
      if cycle > 0 {
        let appeared = ContinuousClock.now
        simulator = try await Harness.obpSimulator(link: link, serial: serial(cycle))
        simulators[serial(cycle)] = simulator
        let reopened = await daemon.wait(upTo: .seconds(30)) {
          Harness.count("instrument opened", in: $0) > cycle
        }
        guard reopened else {
          failure = "no reconnect in cycle \(cycle)"
          break
        }
        times.append((ContinuousClock.now - appeared).seconds)
      }
      // A few spectra on this connection, then one request in flight: pull the plug.
      let inFlight = await simulator.wait(upTo: .seconds(30)) {
        Harness.servedSpectra($0).count >= 3
          && Harness.spectrumRequests($0) == Harness.servedSpectra($0).count + 1
      }
      guard inFlight else {
        failure = "no spectra in cycle \(cycle)"
        break
      }
      if cycle == unplugCycles { break }
      try await Task.sleep(for: .milliseconds(Int.random(in: 0...40)))
      simulator.send(SIGKILL)
      _ = await simulator.waitForExit(upTo: .seconds(10))
      interrupted += Harness.spectrumRequests(simulator) - Harness.servedSpectra(simulator).count
      try await Task.sleep(for: .milliseconds(200))
    }
    // The device stops answering, so nothing it serves goes unread; then a clean stop.
    simulator.send(SIGSTOP)
    let (status, _) = await Harness.terminate(daemon)
    let records = Harness.records(scratch.spool)
    let account = SpectrumAccount(
      served: simulators.mapValues(Harness.servedSpectra), records: records)
    let tallied = records.filter { $0["type"]?.stringValue == "run-end" }.reduce(0) {
      $0 + Int($1["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0)
    }
    let worst = times.max() ?? .infinity
    let mean = times.isEmpty ? .infinity : times.reduce(0, +) / Double(times.count)
    let ok =
      failure == nil && times.count == unplugCycles && worst <= 2 && account.lost.isEmpty
      && account.duplicated == 0 && account.phantom == 0 && status == 0
      && tallied == interrupted + 1
    return [
      MatrixRow(
        scenario: "obp unplug/replug", cycles: times.count, completed: "\(account.completed)",
        spooled: "\(account.spooled)", lost: "\(account.lost.count)",
        duplicated: "\(account.duplicated)", verdict: ok ? "PASS" : "FAIL",
        notes:
          "reconnect mean \(format(mean)) s, max \(format(worst)) s; interrupted on device "
          + "\(interrupted) (+1 at stop), in run-end \(tallied), spooled as data "
          + "\(account.phantom); reopen errors "
          + "\(Harness.count("acquisition failed; reopening", in: daemon)); exit "
          + "\(status.map(String.init) ?? "timeout")" + (failure.map { "; \($0)" } ?? "")
          + (account.lost.isEmpty ? "" : "; lost \(account.lost.prefix(5))"))
    ]
  }

  /// OBP line faults, one kind at a time, then a device of the wrong model.
  func oceanLineFaults() async throws -> [MatrixRow] {
    let kinds: [(String, [String])] = [
      ("garbage bytes", ["--garbage-every", "3"]),
      ("bad footer", ["--corrupt-every", "5"]),
      ("MD5 errors", ["--checksums", "--corrupt-every", "5"]),
      ("busy NACKs", ["--nack-every", "4"]),
      ("stalls > timeout", ["--stall-every", "6"]),
    ]
    var rows: [MatrixRow] = []
    for (name, options) in kinds {
      rows.append(try await oceanLineFault(name, options))
    }
    rows.append(try await oceanWrongModel())
    return rows
  }

  private func oceanLineFault(_ name: String, _ options: [String]) async throws -> MatrixRow {
    let scratch = try Scratch("obp-line")
    defer { scratch.remove() }
    let link = scratch.path + "/obp"
    let simulator = try await Harness.obpSimulator(link: link, serial: "QEP00042", options)
    defer { simulator.send(SIGKILL) }
    let configuration = try Harness.obpConfiguration(scratch, link: link, exposure: 0.1)
    let (daemon, endpoint) = try await Harness.daemon(configuration)
    let recovered = await simulator.wait(upTo: .seconds(120)) {
      Harness.servedSpectra($0).count >= lineFaultPresets
    }
    // Every served spectrum through detection and the log before the metrics are read.
    let served = Harness.servedSpectra(simulator).count
    let spool = scratch.spool
    _ = await daemon.wait(upTo: .seconds(10)) { _ in
      Harness.records(spool).filter { $0["type"]?.stringValue == "acquisition" }.count >= served
    }
    let metrics = Harness.metrics(endpoint)
    // The log up to here: the stop below interrupts a spectrum and times out, as it should.
    let log = daemon.standardError
    simulator.send(SIGSTOP)
    let (status, _) = await Harness.terminate(daemon)
    let account = SpectrumAccount(
      served: ["QEP00042": Harness.servedSpectra(simulator)],
      records: Harness.records(scratch.spool))
    let errorLines = log.split(separator: "\n").filter {
      $0.contains(" ERROR ") || $0.contains(" WARNING ")
    }
    let sample = errorLines.last.map { line -> String in
      let marker = line.range(of: " WARNING ") ?? line.range(of: " ERROR ")
      return String((marker.map { line[$0.upperBound...] } ?? line[...]).prefix(110))
    }
    let trouble = [
      "retries", "skipped_bytes", "corrupted_frames", "timeouts", "busy_replies",
    ].compactMap { kind -> String? in
      let value = Int(metrics["whitlock_link_trouble_total:" + kind] ?? 0)
      return value > 0 ? "\(kind) \(value)" : nil
    }
    let ok =
      recovered && account.lost.isEmpty && account.duplicated == 0 && account.phantom == 0
      && status == 0 && !trouble.isEmpty
    return MatrixRow(
      scenario: "obp line: \(name)", cycles: Harness.spectrumRequests(simulator),
      completed: "\(account.completed)", spooled: "\(account.spooled)",
      lost: "\(account.lost.count)", duplicated: "\(account.duplicated)",
      verdict: ok ? "PASS" : "FAIL",
      notes:
        "link_trouble_total{\(trouble.joined(separator: ", "))}, errors_total "
        + "\(Int(metrics["whitlock_errors_total"] ?? -1)), \(errorLines.count) error/warning "
        + "log lines" + (sample.map { "; e.g. \($0)" } ?? ""))
  }

  /// An STS answers on the port the configuration gives to a QE Pro: refused, never acquired.
  private func oceanWrongModel() async throws -> MatrixRow {
    let scratch = try Scratch("obp-wrong")
    defer { scratch.remove() }
    let link = scratch.path + "/obp"
    let simulator = try await Harness.obpSimulator(
      link: link, serial: "STS00007", ["--model", "STS"])
    defer { simulator.send(SIGKILL) }
    let configuration = try Harness.obpConfiguration(scratch, link: link, exposure: 0.1)
    let (daemon, endpoint) = try await Harness.daemon(configuration)
    _ = await daemon.wait(upTo: .seconds(30)) {
      Harness.count("cannot open instrument", in: $0) >= 3
    }
    let metrics = Harness.metrics(endpoint)
    let ready = Harness.readiness(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let failures = daemon.standardError.split(separator: "\n").filter {
      $0.contains("cannot open instrument")
    }
    let refusedForModel = failures.contains { $0.contains("configuration names a QEPRO") }
    let reason = failures.first.map { line -> String in
      let text = line.range(of: "device reports").map { String(line[$0.lowerBound...]) }
      let reason = (text ?? String(line)).prefix { $0 != "\n" }
      return String(
        (reason.range(of: " instrument=").map { reason[..<$0.lowerBound] } ?? reason[...]).prefix(
          110))
    }
    let acquisitions = Harness.records(scratch.spool).filter {
      $0["type"]?.stringValue == "acquisition"
    }
    let ok =
      failures.count >= 3 && acquisitions.isEmpty && status == 0 && ready != 200
      && Harness.spectrumRequests(simulator) == 0
      && refusedForModel
    return MatrixRow(
      scenario: "obp line: wrong model", cycles: failures.count, completed: "0",
      spooled: "\(acquisitions.count)", lost: "0", duplicated: "0",
      verdict: ok ? "PASS" : "FAIL",
      notes:
        "refused, retried with backoff; /readyz \(ready); errors_total "
        + "\(Int(metrics["whitlock_errors_total"] ?? -1)); \(reason ?? "no error logged")")
  }
}
