import Foundation
import OceanInsight
import Spool
import TestSupport
import Testing
import WhitlockCore

/// The real `whitlockd` driving `whitlock-sim obp` over a pseudo-terminal: the OBP driver, the
/// termios serial port and the simulator share nothing but bytes.
@Suite(.processHeavy) struct OBPSerialHardwareInTheLoopTests {
  private struct Bench {
    let directory: String
    let link: String
    let simulator: ChildProcess
    let banner: JSONValue

    init() async throws {
      directory =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("whitlockd-obp-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      link = directory + "/qepro"
      simulator = try ChildProcess(
        try ProductsDirectory.executable("whitlock-sim"),
        ["obp", "--link", link, "--serial", "QEP04711", "--pacing", "0.02", "--seed", "5"])
      let announced = await simulator.wait(upTo: .seconds(60)) {
        $0.standardOutput.contains("\"coefficients\"")
      }
      #expect(announced, "simulator did not start: \(simulator.standardError)")
      let line = simulator.standardOutput.split(separator: "\n").first {
        $0.contains("coefficients")
      }
      banner = try JSONParser.parse(String(line ?? "{}"))
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
      exposure_s = 0.5
      [instrument.device]
      model = "QE Pro"
      transport = "serial"
      port = "\(link)"
      excitation_nm = 785
      """.write(toFile: directory + "/whitlockd.toml", atomically: true, encoding: .utf8)
    }

    func startDaemon() throws -> ChildProcess {
      try ChildProcess(
        try ProductsDirectory.executable("whitlockd"), ["--config", "whitlockd.toml"],
        currentDirectory: directory)
    }

    func acquisitions() throws -> [JSONValue] {
      let layout = SpoolLayout(root: directory + "/spool")
      var records: [JSONValue] = []
      for name in try FileManager.default.contentsOfDirectory(atPath: layout.new).sorted() {
        let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
        for line in text.split(separator: "\n") {
          let record = try JSONParser.parse(String(line))
          if record["type"]?.stringValue == "acquisition" { records.append(record) }
        }
      }
      return records
    }

    func stop() {
      simulator.send(SIGTERM)
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  private func acquisitionLines(_ child: ChildProcess) -> Int {
    child.standardError.split(separator: "\n").filter { $0.contains(" ch whitlockite_fraction") }
      .count
  }

  @Test func acquiresWithTheDevicesOwnCalibration() async throws {
    let bench = try await Bench()
    defer { bench.stop() }
    let daemon = try bench.startDaemon()
    let acquired = await daemon.wait(upTo: .seconds(60)) { self.acquisitionLines($0) >= 8 }
    #expect(acquired, "\(daemon.standardError)")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0, "\(daemon.standardError)")
    let records = try bench.acquisitions()
    #expect(records.count >= 8)
    let expected = bench.banner["coefficients"]
    for record in records {
      #expect(record["instrument"]?["serial"]?.stringValue == "QEP04711")
      #expect(record["instrument"]?["family"]?.stringValue?.contains("ocean") == true)
      #expect(record["counts"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 1044)
      // The Raman axis comes from the coefficients the device reported over the wire.
      if case .array(let got)? = record["axis"]?["coefficients_nm"],
        case .array(let want)? = expected
      {
        #expect(got.count == want.count)
        for (a, b) in zip(got, want) {
          #expect(abs((a.doubleValue ?? 0) - (b.doubleValue ?? 1)) < 1e-6 * abs(b.doubleValue ?? 1))
        }
      } else {
        Issue.record("no axis coefficients in \(record["axis"] ?? .null)")
      }
    }
    // Phosphate points of the simulated sample give fractions, and every one lies in [0, 1].
    let fractions = records.compactMap { $0["detection"]?["whitlockite_fraction"]?.doubleValue }
    #expect(fractions.allSatisfy { (0...1).contains($0) })
  }

  @Test func daemonDrainsAReplyLeftByAKilledClient() async throws {
    let bench = try await Bench()
    defer { bench.stop() }
    // A client asks for the serial number and dies before reading: wait (without reading) until
    // the reply sits in the line.
    let fd = open(bench.link, O_RDWR | O_NOCTTY)
    #expect(fd >= 0)
    var raw = termios()
    tcgetattr(fd, &raw)
    cfmakeraw(&raw)
    tcsetattr(fd, TCSANOW, &raw)
    let request = OBPMessage(messageType: OBPMessageType.serialNumber, flags: [.ackRequested])
      .encoded()
    #expect(request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == request.count)
    var pending: Int32 = 0
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
      _ = ioctl(fd, UInt(FIONREAD), &pending)
      if pending >= 64 { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    #expect(pending >= 64, "the simulator answered the dying client")
    close(fd)

    let daemon = try bench.startDaemon()
    let acquired = await daemon.wait(upTo: .seconds(60)) { self.acquisitionLines($0) >= 2 }
    #expect(acquired, "\(daemon.standardError)")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0)
    let first = try #require(try bench.acquisitions().first)
    #expect(first["instrument"]?["serial"]?.stringValue == "QEP04711", "identified correctly")
    #expect(
      first["acquisition"]?["parameters"]?["stale_bytes_at_open"]?.doubleValue == Double(pending),
      "the unread reply was drained at open")
  }
}
