import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

/// The real `whitlockd` driving emulated USB spectrometers through its own libusb code: the
/// daemon runs inside a umockdev testbed (`whitlock-sim usb`), every usbdevfs request it makes
/// is answered by the project's device emulations, and driver and emulation meet only as bytes
/// in URBs. The configurations carry no `emulate` key: they are what a lab writes for hardware.
@Suite(.serialized, .processHeavy) struct USBHardwareInTheLoopTests {
  /// A scratch folder with a configuration, and the daemon started inside a testbed.
  struct Bench {
    let directory: String
    let testbed: USBTestbed
    static let token = "usb-bench-token-0123456789"

    /// `monitor` turns on the monitor (a port the system picks) with run control.
    init(testbed arguments: [String], instruments: String, monitor: Bool = false) async throws {
      directory =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("whitlockd-usb-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      testbed = try await USBTestbed(arguments)
      var monitorTable = "enabled = false"
      if monitor {
        let tokenFile = directory + "/monitor.token"
        try (Self.token + "\n").write(toFile: tokenFile, atomically: false, encoding: .utf8)
        chmod(tokenFile, 0o600)
        monitorTable = "listen = \"127.0.0.1:0\"\ntoken_file = \"\(tokenFile)\""
      }
      try """
      [spool]
      path = "spool"
      segment_max_age_s = 0.3
      [monitor]
      \(monitorTable)
      \(instruments)
      """.write(toFile: directory + "/whitlockd.toml", atomically: true, encoding: .utf8)
    }

    /// Sends a run-control request to `daemon`'s monitor (`POST /api/v1/runs` with a body starts
    /// an operator run, `/api/v1/runs/current/stop` stops it) and returns the status.
    func control(_ daemon: ChildProcess, _ path: String, body: String? = nil) async throws
      -> Int
    {
      var endpoint: MonitorEndpoint?
      _ = await daemon.wait(upTo: .seconds(60)) {
        endpoint = MonitoredDaemon.listeningEndpoint(in: $0.standardError)
        return endpoint != nil
      }
      let client = MonitorClient(endpoint: try #require(endpoint), timeoutSeconds: 10)
      let reply = try await client.send(
        "POST", path, headers: [("Authorization", "Bearer \(Self.token)")],
        body: body.map { Array($0.utf8) } ?? [])
      return reply.status
    }

    func checkConfiguration() async throws -> SubprocessResult {
      try await Subprocess.run(
        URL(fileURLWithPath: try ProductsDirectory.executable("whitlockd")),
        ["--check-config", directory + "/whitlockd.toml"], deadline: 60)
    }

    func startDaemon(environment: [String: String] = [:]) throws -> ChildProcess {
      try ChildProcess(
        try ProductsDirectory.executable("whitlockd"), ["--config", "whitlockd.toml"],
        environment: testbed.environment.merging(environment) { $1 }, currentDirectory: directory)
    }

    func records(ofType type: String = "acquisition") throws -> [JSONValue] {
      let layout = SpoolLayout(root: directory + "/spool")
      var records: [JSONValue] = []
      for name in try FileManager.default.contentsOfDirectory(atPath: layout.new).sorted() {
        let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
        for line in text.split(separator: "\n") {
          let record = try JSONParser.parse(String(line))
          if record["type"]?.stringValue == type { records.append(record) }
        }
      }
      return records
    }

    func stop() async {
      await testbed.stop()
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  static func acquisitionLines(_ daemon: ChildProcess, result: String = "whitlockite_fraction")
    -> Int
  {
    daemon.standardError.split(separator: "\n").filter { $0.contains(" ch \(result)") }.count
  }

  /// Runs the daemon until `count` acquisitions, stops it cleanly, returns the spooled ones.
  static func acquire(
    _ count: Int, on bench: Bench, result: String = "whitlockite_fraction"
  ) async throws -> [JSONValue] {
    let daemon = try bench.startDaemon()
    let acquired = await daemon.wait(upTo: .seconds(120)) {
      acquisitionLines($0, result: result) >= count
    }
    #expect(acquired, "\(daemon.standardError)")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0, "\(daemon.standardError)")
    return try bench.records()
  }

  /// The axis polynomial of every record equals what the device stores, read over the wire.
  static func expectDeviceCalibration(
    _ records: [JSONValue], device: JSONValue?, pixels: Int, serial: String
  ) {
    guard case .array(let want)? = device?["wavelength_coefficients"] else {
      Issue.record("the testbed did not report the device's coefficients")
      return
    }
    for record in records {
      #expect(record["instrument"]?["serial"]?.stringValue == serial)
      if case .array(let counts)? = record["counts"] { #expect(counts.count == pixels) }
      guard case .array(let got)? = record["axis"]?["coefficients_nm"] else {
        Issue.record("no axis coefficients in \(record)")
        continue
      }
      #expect(got.count == want.count)
      for (a, b) in zip(got, want) {
        let expected = b.doubleValue ?? 1
        // The devices store the polynomial as float32 (OBP) or 8-digit text (OOI).
        #expect(abs((a.doubleValue ?? 0) - expected) <= 2e-7 * abs(expected) + 1e-30)
      }
    }
  }

  @Test func usb2000PlusOverLibusbWithoutEmulateKey() async throws {
    let bench = try await Bench(
      testbed: ["--family", "ocean-ooi", "--model", "USB2000PLUS", "--serial", "USB2+H0101"],
      instruments: """
        [[instrument]]
        id = "usb2000"
        kind = "raman"
        driver = "ocean-ooi"
        exposure_s = 0.05
        [instrument.device]
        model = "USB2000PLUS"
        """)
    defer { Task { await bench.stop() } }
    let check = try await bench.checkConfiguration()
    #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
    let records = try await Self.acquire(5, on: bench)
    #expect(records.count >= 5)
    Self.expectDeviceCalibration(
      records, device: bench.testbed.device(), pixels: 2048, serial: "USB2+H0101")
    let start = try #require(try bench.records(ofType: "run-start").first)
    #expect(start["settings"]?["device"]?["emulate"] == .bool(false))
    #expect(start["settings"]?["simulation"] == nil, "no simulated data from real hardware")
  }

  @Test(arguments: [("QEPRO", "QEP0202", 1044), ("STS", "S0203", 1024)])
  func obpOverLibusb(model: String, serial: String, pixels: Int) async throws {
    let bench = try await Bench(
      testbed: ["--family", "ocean-obp", "--model", model, "--serial", serial],
      instruments: """
        [[instrument]]
        id = "obp"
        kind = "raman"
        driver = "ocean-obp"
        exposure_s = 0.05
        [instrument.device]
        model = "\(model)"
        usb_serial = "\(serial)"
        """)
    defer { Task { await bench.stop() } }
    let records = try await Self.acquire(4, on: bench)
    #expect(records.count >= 4)
    Self.expectDeviceCalibration(
      records, device: bench.testbed.device(), pixels: pixels, serial: serial)
  }

  /// A Wasatch on the testbed with serial `serial`, configured with its laser allowed;
  /// `productID` 0x4000 is an XS (ARM) board with a laser watchdog.
  private func wasatchBench(
    serial: String, productID: String = "0x1000", device extra: String = "",
    monitor: Bool = false
  ) async throws -> Bench {
    try await Bench(
      testbed: ["--family", "wasatch", "--serial", serial, "--wasatch-product-id", productID],
      instruments: """
        [[instrument]]
        id = "wasatch"
        kind = "raman"
        driver = "wasatch"
        exposure_s = 0.05
        [instrument.device]
        laser_enabled = true
        usb_serial = "\(serial)"
        product_id = \(productID)
        \(extra)
        """,
      monitor: monitor)
  }

  /// Without an operator run the daemon acquires in an automatic run with the laser off, even
  /// though the configuration allows it.
  @Test func wasatchOverLibusbWithTheLaserInterlock() async throws {
    let bench = try await wasatchBench(serial: "WP-0304")
    defer { Task { await bench.stop() } }
    let records = try await Self.acquire(4, on: bench)
    #expect(records.count >= 4)
    for record in records {
      #expect(record["instrument"]?["serial"]?.stringValue == "WP-0304")
      if case .array(let counts)? = record["counts"] { #expect(counts.count == 1024) }
      #expect(record["axis"]?["excitation_nm"]?.doubleValue == 785)
      #expect(record["acquisition"]?["parameters"]?["laser_enabled"] == .bool(false))
    }
    #expect(await bench.testbed.laserReport("WP-0304") == "off")
  }

  /// An operator run fires the laser; `POST /api/v1/runs/current/stop` switches it off while
  /// the daemon goes on acquiring in an automatic run.
  @Test func stoppingTheOperatorRunSwitchesTheLaserOff() async throws {
    let bench = try await wasatchBench(serial: "WP-0306", monitor: true)
    defer { Task { await bench.stop() } }
    let daemon = try bench.startDaemon()
    #expect(
      await daemon.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= 1 },
      "\(daemon.standardError)")
    #expect(await bench.testbed.laserState("WP-0306") == "off", "automatic run: dark")
    let started = try await bench.control(
      daemon, "/api/v1/runs", body: #"{"sample_id":"S-0306","operator":"op"}"#)
    #expect(started == 201)
    #expect(await bench.testbed.waitForLaser("WP-0306", "on", upTo: .seconds(30)) != nil)
    let litFrom = Self.acquisitionLines(daemon)
    #expect(await daemon.wait(upTo: .seconds(60)) { Self.acquisitionLines($0) >= litFrom + 3 })
    #expect(try await bench.control(daemon, "/api/v1/runs/current/stop") == 200)
    let off = await bench.testbed.waitForLaser("WP-0306", "off", upTo: .seconds(30))
    #expect(off != nil, "the laser stayed on after the run was stopped")
    let lines = Self.acquisitionLines(daemon)
    #expect(
      await daemon.wait(upTo: .seconds(60)) { Self.acquisitionLines($0) >= lines + 2 },
      "acquisition goes on in the automatic run")
    #expect(await bench.testbed.laserState("WP-0306") == "off")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0, "\(daemon.standardError)")
    let operatorRun = try #require(
      try bench.records(ofType: "run-start").first { $0["run"]?["sample_id"] == .string("S-0306") }
    )["run_id"]
    // Spectra lit for their whole exposure belong to the operator run, and only to it.
    let parameters = try bench.records().compactMap { $0["acquisition"]?["parameters"] }
    let wholly = try bench.records().filter {
      $0["acquisition"]?["parameters"]?["laser_switched_during_exposure"] == .bool(false)
    }
    #expect(parameters.allSatisfy { $0["laser_switched_during_exposure"] != nil })
    let lit = wholly.filter { $0["acquisition"]?["parameters"]?["laser_enabled"] == .bool(true) }
    #expect(!lit.isEmpty)
    #expect(lit.allSatisfy { $0["run_id"] == operatorRun })
    #expect(
      wholly.filter { $0["run_id"] == operatorRun }.allSatisfy {
        $0["acquisition"]?["parameters"]?["laser_enabled"] == .bool(true)
      })
  }

  /// An XS (ARM) board's own laser watchdog, set by the daemon at open and fed by every
  /// acquisition, switches the laser off when the daemon dies without a word — killed, or
  /// trapped (a Swift runtime trap ends the process with SIGILL) — even with no stop helper.
  @Test(arguments: [SIGKILL, SIGILL])
  func armLaserWatchdogSwitchesOffTheLaserOfADeadDaemon(signal: Int32) async throws {
    let serial = "WP-04\(signal)"
    let bench = try await wasatchBench(
      serial: serial, productID: "0x4000",
      device: "laser_emission = \"continuous\"\nlaser_watchdog_s = 2")
    defer { Task { await bench.stop() } }
    // Swift's crash backtracer, started by a trapped process, would run inside the umockdev
    // testbed (its LD_PRELOAD talks to the testbed over a socket), where it can wait forever
    // and hold the dead daemon unreaped; without it a trap ends the process at once.
    let daemon = try bench.startDaemon(
      environment: signal == SIGILL ? ["SWIFT_BACKTRACE": "enable=no"] : [:])
    // Killed once a segment is published, so the records can be read without a recovery.
    #expect(
      await daemon.wait(upTo: .seconds(120)) {
        Self.acquisitionLines($0) >= 2 && (try? bench.records().isEmpty) == false
      }, "\(daemon.standardError)")
    #expect(await bench.testbed.laserReport(serial) == "on watchdog-trips 0")
    daemon.send(signal)
    _ = await daemon.waitForExit(upTo: .seconds(10))
    // Two exposures of 0.05 s plus the 1 s reply timeout and 1 s raise the configured 2 s to 3.
    let off = await bench.testbed.waitForLaser(serial, "off", upTo: .seconds(30))
    #expect(off != nil, "the laser of a dead daemon stayed on")
    // A dying process's threads may see the laser off and switch it on again before they stop:
    // the watchdog then trips more than once, and every time the laser ends off.
    let report = await bench.testbed.laserReport(serial) ?? ""
    let trips = report.hasPrefix("off watchdog-trips ") ? Int(report.dropFirst(19)) : nil
    #expect((trips ?? 0) >= 1, "\(report)")
    let records = try bench.records()
    #expect(records.contains { $0["acquisition"]?["parameters"]?["laser_watchdog_s"] == .int(3) })
  }

  /// SIGKILL leaves the laser on: nothing in the killed process runs. The unit's
  /// `ExecStopPost=whitlockctl laser-off --all` runs after any end of the service and switches it
  /// off through libusb; here it runs inside the same testbed.
  @Test func laserLeftOnByAKilledDaemonIsSwitchedOffByTheStopHelper() async throws {
    let bench = try await wasatchBench(
      serial: "WP-0305", device: "laser_emission = \"continuous\"")
    defer { Task { await bench.stop() } }
    let daemon = try bench.startDaemon()
    #expect(
      await daemon.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= 1 },
      "\(daemon.standardError)")
    #expect(await bench.testbed.laserState("WP-0305") == "on")
    daemon.send(SIGKILL)
    _ = await daemon.waitForExit(upTo: .seconds(30))
    #expect(await bench.testbed.laserState("WP-0305") == "on", "a killed daemon cannot act")

    let helper = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      ["laser-off", "--all"], deadline: 60, environment: bench.testbed.environment)
    #expect(helper.status == 0, "\(helper.standardOutput)\(helper.standardError)")
    #expect(helper.standardOutput.contains("WP-0305: laser off (read back)"))
    #expect(await bench.testbed.laserState("WP-0305") == "off")
  }

  @Test func twoDevicesOfOneModelAreToldApartBySerial() async throws {
    let bench = try await Bench(
      testbed: [
        "--family", "ocean-ooi", "--model", "USB2000PLUS", "--serial", "USB2+HA", "--serial",
        "USB2+HB",
      ],
      instruments: ["a", "b"].map { name in
        """
        [[instrument]]
        id = "usb-\(name)"
        kind = "raman"
        driver = "ocean-ooi"
        exposure_s = 0.05
        [instrument.device]
        model = "USB2000PLUS"
        usb_serial = "USB2+H\(name.uppercased())"
        """
      }.joined(separator: "\n"))
    defer { Task { await bench.stop() } }
    let records = try await Self.acquire(8, on: bench)
    for name in ["a", "b"] {
      let mine = records.filter { $0["instrument"]?["id"]?.stringValue == "usb-\(name)" }
      #expect(!mine.isEmpty)
      Self.expectDeviceCalibration(
        mine, device: bench.testbed.device("USB2+H\(name.uppercased())"), pixels: 2048,
        serial: "USB2+H\(name.uppercased())")
    }
  }

  @Test func staleDataLeftByAKilledDaemonIsDrainedAtTheNextOpen() async throws {
    let bench = try await Bench(
      testbed: [
        "--family", "ocean-ooi", "--model", "USB2000PLUS", "--serial", "USB2+H0505",
        "--pacing", "1", "--trace-out",
      ],
      instruments: """
        [[instrument]]
        id = "usb2000"
        kind = "raman"
        driver = "ocean-ooi"
        exposure_s = 0.4
        [instrument.device]
        model = "USB2000PLUS"
        """)
    defer { Task { await bench.stop() } }
    // Killed mid-exposure: its spectrum request (OOI 0x09) is on the device, and the reply
    // nobody will read comes 0.4 s later. The spectrum endpoint (0x82) is held from before the
    // request until the client is dead and its transfers discarded, so the reply cannot reach
    // the dying client's read however slowly this machine gets to the kill. (A request already
    // waiting when the hold starts times out; the daemon reopens the device, which works over
    // 0x81, and asks again: its reply stays on the device as well.)
    let first = try bench.startDaemon()
    #expect(await first.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= 2 })
    let requests = {
      bench.testbed.simulator.standardOutput.components(separatedBy: "out 0x1 9\n").count - 1
    }
    #expect(await bench.testbed.holdReplies("USB2+H0505", endpoint: "0x82", true))
    let asked = requests()
    #expect(await first.wait(upTo: .seconds(60)) { _ in requests() > asked })
    first.send(SIGKILL)
    _ = await first.waitForExit(upTo: .seconds(30))
    // The reply becomes ready while nobody is connected. The dead client's transfers are
    // cancelled, as the kernel cancels those of a closed node (the testbed does not always see
    // a SIGKILLed client go); only then is the endpoint released. The next daemon must drain
    // what waits there.
    #expect(
      await bench.testbed.waitForReadyReply("USB2+H0505", bytes: 4097),
      """
      simulator: \(bench.testbed.simulator.standardOutput.suffix(1500)) \
      \(bench.testbed.simulator.standardError.suffix(1500))
      """)
    #expect(await bench.testbed.cancelPendingReads("USB2+H0505"))
    #expect(await bench.testbed.holdReplies("USB2+H0505", endpoint: "0x82", false))
    let second = try bench.startDaemon()
    #expect(
      await second.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= 2 },
      "\(second.standardError)")
    second.send(SIGTERM)
    #expect(await second.waitForExit(upTo: .seconds(30)) == 0)
    let stale = try bench.records().compactMap {
      $0["acquisition"]?["parameters"]?["stale_bytes_at_open"]?.doubleValue
    }
    // Whole 4097-byte replies (one, or two when a request was already waiting at the hold).
    #expect(
      stale.contains { $0 >= 4097 && Int($0) % 4097 == 0 },
      "the spectra left by the killed daemon were drained: \(stale)")
  }

  @Test func unplugDuringAnExposureAndReplugOfTheSameSerial() async throws {
    let bench = try await Bench(
      testbed: [
        "--family", "ocean-ooi", "--model", "USB2000PLUS", "--serial", "USB2+H0606", "--serial",
        "USB2+H0607", "--pacing", "1",
      ],
      instruments: """
        [[instrument]]
        id = "usb2000"
        kind = "raman"
        driver = "ocean-ooi"
        exposure_s = 0.3
        [instrument.device]
        model = "USB2000PLUS"
        usb_serial = "USB2+H0606"
        """)
    defer { Task { await bench.stop() } }
    let daemon = try bench.startDaemon()
    // Acquiring back to back with 0.3 s exposures: the unplug lands in an exposure.
    #expect(await daemon.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= 2 })
    #expect(await bench.testbed.unplug("USB2+H0606"))
    #expect(
      await daemon.wait(upTo: .seconds(60)) { $0.standardError.contains("device removed") },
      "\(daemon.standardError)")
    let beforeReplug = Self.acquisitionLines(daemon)
    #expect(await bench.testbed.replug("USB2+H0606"))
    #expect(
      await daemon.wait(upTo: .seconds(120)) { Self.acquisitionLines($0) >= beforeReplug + 3 },
      "\(daemon.standardError)")
    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(30)) == 0)
    let records = try bench.records()
    let sequence = records.compactMap { $0["seq"]?.doubleValue }
    #expect(Set(sequence).count == sequence.count, "no duplicate records")
    #expect(records.count == Self.acquisitionLines(daemon), "every completed acquisition spooled")
    // The other USB2000+ on the bus was never taken for the unplugged one.
    #expect(records.allSatisfy { $0["instrument"]?["serial"]?.stringValue == "USB2+H0606" })
    #expect(daemon.standardError.contains("interrupted=1"), "\(daemon.standardError)")
  }

  /// The Amptek DP5's native USB transport (10c4:842a, bulk 0x02/0x81) against the DP5 emulation
  /// on the testbed: status, configuration and spectra travel in URBs, not in-process.
  @Test func amptekDP5OverLibusb() async throws {
    let bench = try await Bench(
      testbed: ["--family", "dp5", "--serial", "20123"],
      instruments: """
        [[instrument]]
        id = "xrf-dp5"
        kind = "xrf"
        driver = "amptek-dp5"
        transport = "usb"
        usb_serial = "20123"
        exposure_s = 0.2
        channels = 2048
        """)
    defer { Task { await bench.stop() } }
    let check = try await bench.checkConfiguration()
    #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
    let records = try await Self.acquire(3, on: bench, result: "mg_ca_ratio")
    #expect(records.count >= 3)
    for record in records {
      #expect(record["instrument"]?["serial"]?.stringValue == "20123", "\(record)")
      if case .array(let counts)? = record["counts"] {
        #expect(counts.count == 2048)
        #expect(counts.reduce(0.0) { $0 + ($1.doubleValue ?? 0) } > 0)
      } else {
        Issue.record("no counts in \(record)")
      }
    }
  }

  /// `whitlockctl devices` and `doctor` see the emulated devices as they see real ones: through
  /// libusb and libudev, with serials, model and family, and a configured serial that is not
  /// attached named as missing.
  @Test func devicesAndDoctorListTheEmulatedDevices() async throws {
    let bench = try await Bench(
      testbed: [
        "--family", "ocean-ooi", "--model", "USB2000PLUS", "--serial", "USB2+HD1", "--serial",
        "USB2+HD2",
      ],
      instruments: ["USB2+HD2", "USB2+HD9"].enumerated().map { index, serial in
        """
        [[instrument]]
        id = "r\(index)"
        kind = "raman"
        driver = "ocean-ooi"
        [instrument.device]
        model = "USB2000PLUS"
        usb_serial = "\(serial)"
        """
      }.joined(separator: "\n"))
    defer { Task { await bench.stop() } }
    let ctl = try ProductsDirectory.executable("whitlockctl")
    let devices = try ChildProcess(
      ctl, ["devices", "--json"], environment: bench.testbed.environment)
    #expect(await devices.waitForExit(upTo: .seconds(60)) == 0, "\(devices.standardError)")
    let listing = try JSONParser.parse(devices.standardOutput)
    guard case .array(let usb)? = listing["usb"] else {
      Issue.record("no usb list: \(devices.standardOutput)")
      return
    }
    for serial in ["USB2+HD1", "USB2+HD2"] {
      let entry = usb.first { $0["serial"]?.stringValue == serial }
      #expect(entry?["vid_pid"]?.stringValue == "2457:101e", "\(usb)")
      #expect(entry?["model"]?.stringValue == "USB2000+")
      #expect(entry?["access"]?.stringValue == "ok")
      #expect(entry?["product"]?.stringValue?.isEmpty == false, "the sysfs string attribute")
      #expect(entry?["manufacturer"]?.stringValue?.isEmpty == false)
    }
    let doctor = try ChildProcess(
      ctl, ["doctor", "--config", bench.directory + "/whitlockd.toml"],
      environment: bench.testbed.environment)
    #expect(await doctor.waitForExit(upTo: .seconds(60)) == 1, "a configured device is missing")
    #expect(doctor.standardOutput.contains("ok   device r0: 2457:101e"), "\(doctor.standardOutput)")
    #expect(doctor.standardOutput.contains("(serial USB2+HD2)"))
    #expect(
      doctor.standardOutput.contains("FAIL device r1: no USB device 2457:101e with serial USB2+HD9")
    )
  }
}
