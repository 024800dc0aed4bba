import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// The real `whitlockd` driving the real `whitlock-sim dp5` over a pseudo-terminal: the daemon's
/// serial driver and the simulator share nothing but bytes.
@Suite(.serialized, .processHeavy) struct DP5HardwareInTheLoopTests {
  /// The simulator's Mg/Ca sensitivity (XRFSampleModel.relativeSensitivityMgToCa), used as the
  /// detector's RSF so the estimate is a molar ratio.
  static let simulatorSensitivity = 0.07

  private func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-dp5-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  private func startSimulator(link: String, _ options: [String]) async throws -> ChildProcess {
    let simulator = try ChildProcess(
      try ProductsDirectory.executable("whitlock-sim"), ["dp5", "--link", link] + options)
    let ready = await simulator.wait(upTo: .seconds(30)) {
      $0.standardOutput.contains("whitlock-sim dp5:")
    }
    #expect(ready, "simulator did not start: \(simulator.standardError)")
    return simulator
  }

  private func writeConfiguration(
    directory: String, link: String, exposure: Double, extra: String = ""
  ) throws -> String {
    let path = directory + "/whitlockd.toml"
    try """
    [daemon]
    log_level = "info"
    [spool]
    path = "\(directory)/spool"
    segment_max_age_s = 0.2
    [detection.xrf]
    relative_sensitivity_mg_ca = \(Self.simulatorSensitivity)
    [[instrument]]
    id = "xrf-dp5"
    kind = "xrf"
    driver = "amptek-dp5"
    exposure_s = \(exposure)
    port = "\(link)"
    channels = 2048
    gain_kev_per_channel = 0.01
    offset_kev = 0.015
    poll_interval_s = 0.1
    \(extra)
    [instrument.dp5]
    GAIN = 20
    THSL = 1.2
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  private func acquisitionLines(_ child: ChildProcess) -> Int {
    child.standardError.split(separator: "\n").filter { $0.contains(" ch mg_ca_ratio") }.count
  }

  private func records(in layout: SpoolLayout) throws -> [JSONValue] {
    var result: [JSONValue] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.new).sorted() {
      let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
      for line in text.split(separator: "\n") { result.append(try JSONParser.parse(String(line))) }
    }
    return result
  }

  private func stop(_ daemon: ChildProcess) async -> Int32? {
    daemon.send(SIGTERM)
    return await daemon.waitForExit(upTo: .seconds(30))
  }

  private func completedPresets(_ simulator: ChildProcess) -> [Int] {
    simulator.standardOutput.split(separator: "\n").compactMap { line -> Int? in
      guard line.hasPrefix("dp5-sim: preset "), line.hasSuffix(" completed") else { return nil }
      return Int(line.split(separator: " ")[2])
    }
  }

  @Test func spooledMgCaMatchesTheSimulatorsTruth() async throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/dp5"
    let truth = 0.08
    let simulator = try await startSimulator(
      link: link, ["--mg-ca", "\(truth)", "--flux", "10", "--seed", "5", "--serial", "4242"])
    // 3 s presets: longer than a debug-build XRF analysis on a loaded machine, so the analysis
    // queue does not grow and the clean stop (which analyses every queued spectrum) stays
    // within the 30 s this test gives it.
    let config = try writeConfiguration(directory: directory, link: link, exposure: 3)
    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", config])
    let count = 6
    let acquired = await daemon.wait(upTo: .seconds(120)) { self.acquisitionLines($0) >= count }
    #expect(acquired, "daemon log: \(daemon.standardError)")
    #expect(await stop(daemon) == 0, "\(daemon.standardError)")
    simulator.send(SIGTERM)
    _ = await simulator.waitForExit(upTo: .seconds(10))

    let layout = SpoolLayout(root: directory + "/spool")
    let report = try SpoolVerifier.verify(layout)
    #expect(report.isClean, "\(report.problems)")
    let all = try records(in: layout)
    let acquisitions = all.filter { $0["type"]?.stringValue == "acquisition" }
    #expect(acquisitions.count >= count)
    let first = try #require(acquisitions.first)
    #expect(first["instrument"]?["model"]?.stringValue == "Amptek X-123")
    #expect(first["instrument"]?["serial"]?.stringValue == "4242")
    #expect(first["instrument"]?["family"]?.stringValue == "amptek-dp5")
    #expect(first["instrument"]?["firmware"]?.stringValue == "6.07 build 3 (FPGA 6.05)")
    #expect(
      first["acquisition"]?["parameters"]?["configuration"]?.stringValue
        == "MCAC=2048;PRET=3.0;GAIN=20;THSL=1.2;")

    let ratios = acquisitions.compactMap { $0["detection"]?["mg_ca_ratio"]?.doubleValue }
    let sigmas = acquisitions.compactMap { $0["detection"]?["mg_ca_ratio_sigma"]?.doubleValue }
    let withoutRatio = acquisitions.filter { $0["detection"]?["mg_ca_ratio"]?.doubleValue == nil }
    #expect(
      withoutRatio.isEmpty,
      "every spectrum gives a ratio; without one: \(withoutRatio.map { "\($0["detection"] ?? .null)" })"
    )
    let mean = ratios.reduce(0, +) / Double(ratios.count)
    let meanSigma =
      (sigmas.map { $0 * $0 }.reduce(0, +)).squareRoot() / Double(max(sigmas.count, 1))
    // Bound: 4 σ of the mean plus the detector's documented +0.005 background bias
    // (XRFMgCaDetector); measured values are printed for the record.
    let bound = 4 * meanSigma + 0.006
    print("DP5 HIL: \(ratios.count) spectra, mean Mg/Ca \(mean) ± \(meanSigma), truth \(truth)")
    #expect(abs(mean - truth) <= bound, "mean \(mean) vs truth \(truth), bound \(bound)")
    #expect(meanSigma < 0.01, "each run is precise enough to mean something: σ \(meanSigma)")

    // The spooled spectra export as Amptek .mca files.
    let exportDirectory = directory + "/mca"
    try FileManager.default.createDirectory(
      atPath: exportDirectory, withIntermediateDirectories: true)
    let export = try ChildProcess(
      try ProductsDirectory.executable("whitlockctl"),
      ["export", "--format", "mca", "--output", exportDirectory, layout.root])
    #expect(await export.waitForExit(upTo: .seconds(30)) == 0, "\(export.standardError)")
    let files = try FileManager.default.contentsOfDirectory(atPath: exportDirectory).sorted()
    #expect(files.count == acquisitions.count)
    let mca = try String(contentsOfFile: exportDirectory + "/" + files[0], encoding: .utf8)
    let data = try #require(mca.components(separatedBy: "<<DATA>>\r\n").last)
    let channels = try #require(data.components(separatedBy: "<<END>>").first)
    #expect(channels.split(separator: "\r\n").count == 2048)
    #expect(mca.contains("<<DPP STATUS>>\r\nDevice Type: DP5\r\nSerial Number: 4242\r\n"))
    #expect(mca.contains("<<DP5 CONFIGURATION>>\r\nMCAC=2048;\r\n"))
  }

  @Test func daemonRecoversFromLinkFaultsAndSpoolsEachCompletedRunOnce() async throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/dp5"
    let simulator = try await startSimulator(
      link: link,
      [
        "--garbage", "0.2", "--corrupt-checksum", "0.1", "--drop-reply", "0.05", "--busy", "0.05",
        "--disconnect-after", "45", "--max-disconnects", "2", "--reconnect-delay", "0.3",
        "--fault-seed", "3",
      ])
    let config = try writeConfiguration(
      directory: directory, link: link, exposure: 0.5, extra: "reply_timeout_s = 0.3\nretries = 6")
    let whitlockd = try ProductsDirectory.executable("whitlockd")

    // Run 1: garbage, corrupted checksums, dropped replies, busy ACKs and two hang-ups.
    let first = try ChildProcess(whitlockd, ["--config", config])
    let enough = await simulator.wait(upTo: .seconds(180)) {
      self.completedPresets($0).count >= 8
        && $0.standardOutput.components(separatedBy: "dp5-sim: reconnected").count >= 3
    }
    #expect(enough, "simulator: \(simulator.standardOutput.suffix(3000))")
    #expect(await stop(first) == 0, "\(first.standardError.suffix(3000))")
    #expect(first.standardError.contains("reopening instrument"), "a disconnect was survived")

    // Run 2 on the same device: a run that completed while run 1 was stopping is recovered, the
    // last run that run 1 delivered is not spooled again.
    let second = try ChildProcess(whitlockd, ["--config", config])
    #expect(await second.wait(upTo: .seconds(120)) { self.acquisitionLines($0) >= 2 })
    #expect(await stop(second) == 0, "\(second.standardError.suffix(3000))")
    simulator.send(SIGTERM)
    _ = await simulator.waitForExit(upTo: .seconds(10))

    let output = simulator.standardOutput
    #expect(output.contains("fault: corrupted checksum"))
    #expect(output.contains("garbage bytes before"))
    #expect(output.contains("fault: dropped reply"))

    let layout = SpoolLayout(root: directory + "/spool")
    #expect(try SpoolVerifier.verify(layout).isClean)
    let all = try records(in: layout)
    let acquisitions = all.filter { $0["type"]?.stringValue == "acquisition" }
    let spooled = acquisitions.compactMap {
      $0["acquisition"]?["parameters"]?["gp_count"]?.doubleValue.map { Int($0) }
    }
    let recovered = acquisitions.filter {
      $0["acquisition"]?["parameters"]?["recovered"] == .bool(true)
    }
    let completed = completedPresets(simulator)
    print(
      "DP5 HIL faults: device completed \(completed.count) runs, spooled \(spooled.count) "
        + "(\(recovered.count) recovered after a reopen or restart)")
    let trail = acquisitions.map { record -> String in
      let parameters = record["acquisition"]?["parameters"]
      let run = String(record["run_id"]?.stringValue?.prefix(8) ?? "")
      let gp = Int(parameters?["gp_count"]?.doubleValue ?? -1)
      let mark = parameters?["recovered"] == .bool(true) ? " recovered" : ""
      return "\(run):\(gp)\(mark)"
    }
    #expect(Set(spooled).count == spooled.count, "no run spooled twice: \(trail)")
    #expect(Set(spooled).isSubset(of: Set(completed)))
    let missing = Set(completed).subtracting(spooled)
    let end = try #require(all.last { $0["type"]?.stringValue == "run-end" })
    let interrupted = end["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0
    #expect(
      missing.isEmpty || (missing == [completed.max() ?? 0] && interrupted > 0),
      "completed on the device but not spooled: \(missing.sorted()); spooled \(spooled.sorted())")
  }

  @Test func daemonStartedAfterAKilledClientDrainsAndIdentifies() async throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/dp5"
    let simulator = try await startSimulator(link: link, ["--serial", "777", "--log-requests"])
    // A client asks for a spectrum and is gone before the reply arrives, leaving it unread.
    let client = try ChildProcess(
      "/bin/sh", ["-c", "printf '\\365\\372\\002\\003\\000\\000\\376\\014' > \(link)"])
    let replied = await simulator.wait(upTo: .seconds(30)) {
      $0.standardOutput.contains("request 02/03 (0 bytes) -> 1024-channel spectrum+status")
    }
    #expect(replied, "\(simulator.standardOutput)")
    _ = await client.waitForExit(upTo: .seconds(10))

    let config = try writeConfiguration(directory: directory, link: link, exposure: 0.5)
    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", config])
    let acquired = await daemon.wait(upTo: .seconds(120)) { self.acquisitionLines($0) >= 2 }
    #expect(acquired, "\(daemon.standardError)")
    #expect(await stop(daemon) == 0)
    simulator.send(SIGTERM)
    _ = await simulator.waitForExit(upTo: .seconds(10))
    let all = try records(in: SpoolLayout(root: directory + "/spool"))
    let start = try #require(all.first { $0["type"]?.stringValue == "run-start" })
    #expect(start["instrument"]?["serial"]?.stringValue == "777")
    #expect(start["instrument"]?["model"]?.stringValue == "Amptek X-123")
    let acquisitions = all.filter { $0["type"]?.stringValue == "acquisition" }
    #expect(
      acquisitions.allSatisfy {
        $0["acquisition"]?["parameters"]?["channels"]?.doubleValue == 2048
      })
  }
}
