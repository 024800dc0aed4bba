import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// The real `whitlockd` with an OBP spectrometer on a serial line that is unplugged while a
/// spectrum is in flight (the `whitlock-sim obp` process is killed) and plugged back in.
@Suite(.processHeavy) struct OBPUnplugTests {
  private func simulator(link: String, serial: String, extra: [String] = []) async throws
    -> ChildProcess
  {
    let child = try ChildProcess(
      try ProductsDirectory.executable("whitlock-sim"),
      ["obp", "--link", link, "--serial", serial, "--pacing", "1"] + extra)
    let started = await child.wait(upTo: .seconds(60)) {
      $0.standardOutput.contains("\"coefficients\"") || !$0.isRunning
    }
    #expect(started && child.isRunning, "simulator did not start: \(child.standardError)")
    return child
  }

  private func served(_ simulator: ChildProcess) -> [String] {
    simulator.standardOutput.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("obp-sim: spectrum "), line.hasSuffix(" served") else { return nil }
      return String(line.split(separator: " ")[2])
    }
  }

  private func requests(_ simulator: ChildProcess) -> Int {
    simulator.standardOutput.components(separatedBy: "obp-sim: spectrum requested").count - 1
  }

  /// Regression: the acquisition the unplug cut short is tallied as interrupted in `run-end`
  /// (it used to count only as an error), and every spectrum the device served is spooled once.
  @Test func unplugMidSpectrumIsInterruptedAndNothingServedIsLost() async throws {
    let directory =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-obp-unplug-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/qepro"
    try """
    [spool]
    path = "spool"
    segment_max_age_s = 0.5
    [monitor]
    enabled = false
    [[instrument]]
    id = "qepro"
    kind = "raman"
    driver = "ocean-obp"
    exposure_s = 0.1
    [instrument.device]
    model = "QE Pro"
    transport = "serial"
    port = "\(link)"
    excitation_nm = 785
    reply_timeout_s = 30
    """.write(toFile: directory + "/whitlockd.toml", atomically: true, encoding: .utf8)

    // The device serves two spectra and then answers nothing more, so once it has the third
    // request that spectrum is certainly in flight (for up to the 30 s reply timeout).
    let first = try await simulator(
      link: link, serial: "QEPU0001", extra: ["--hang-after-spectra", "2"])
    defer { first.send(SIGKILL) }
    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", "whitlockd.toml"],
      currentDirectory: directory)
    defer { daemon.send(SIGKILL) }
    // Two spectra delivered, the third requested and integrating: pull the plug.
    let inFlight = await first.wait(upTo: .seconds(60)) {
      self.served($0).count == 2 && self.requests($0) >= 3
    }
    #expect(inFlight, "\(first.standardOutput.suffix(2000)) \(daemon.standardError.suffix(2000))")
    first.send(SIGKILL)
    _ = await first.waitForExit(upTo: .seconds(10))
    // The daemon notices the line is gone before the device comes back.
    #expect(
      await daemon.wait(upTo: .seconds(60)) { $0.standardError.contains("acquisition failed") },
      "\(daemon.standardError.suffix(2000))")

    // The replugged device does the same, so the stop interrupts its third spectrum, and
    // nothing the device served can go unread.
    let second = try await simulator(
      link: link, serial: "QEPU0002", extra: ["--hang-after-spectra", "2"])
    defer { second.send(SIGKILL) }
    let back = await second.wait(upTo: .seconds(60)) {
      self.served($0).count == 2 && self.requests($0) >= 3
    }
    #expect(back, "no third request after the replug: \(daemon.standardError.suffix(3000))")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0, "\(daemon.standardError)")

    let layout = SpoolLayout(root: directory + "/spool")
    #expect(try SpoolVerifier.verify(layout).isClean)
    var records: [JSONValue] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.new).sorted() {
      let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
      records += try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }
    let spooled = records.filter { $0["type"]?.stringValue == "acquisition" }.map { record in
      let serial = record["instrument"]?["serial"]?.stringValue ?? "?"
      let hex = Array(record["acquisition"]?["parameters"]?["metadata_hex"]?.stringValue ?? "")
      // The QE Pro metadata starts with the spectrum counter, u32 little-endian.
      let counter = stride(from: 6, through: 0, by: -2).reduce(0) { value, index in
        value << 8 | (Int(String(hex[index..<index + 2]), radix: 16) ?? 0)
      }
      return "\(serial)#\(counter)"
    }
    let expected =
      served(first).map { "QEPU0001#\($0)" } + served(second).map { "QEPU0002#\($0)" }
    #expect(spooled.count == Set(spooled).count, "duplicated: \(spooled)")
    #expect(Set(spooled) == Set(expected), "spooled \(spooled), served \(expected)")
    let interrupted = records.filter { $0["type"]?.stringValue == "run-end" }.reduce(0) {
      $0 + Int($1["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0)
    }
    #expect(interrupted == 2, "the unplug and the stop each cut one spectrum short")
    #expect(daemon.standardError.contains("instrument opened"))
  }
}
