import ArgumentParser
import Foundation
import Simulation
import Transports
import USBBridge
import WhitlockCore

/// `whitlock-sim usb`: emulated USB spectrometers and detectors on a umockdev testbed, answered
/// URB by URB by the project's device emulations, for clients that use libusb.
struct USBCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "usb",
    abstract: "Put emulated USB instruments on a umockdev testbed that libusb clients can open.",
    discussion: """
      Builds a fake sysfs/udev with one USB device per --serial and answers every usbdevfs
      request a client makes on it from the device emulation of --family, so whitlockd (or
      python-seabreeze, or any libusb program) runs its real USB code against it. Needs
      Debian's umockdev, gir1.2-umockdev-1.0 and python3-gi.

      Prints one JSON line: the testbed root, the device nodes and what a client should read
      from each device. Run a client inside the testbed by giving its command after `--`, or
      start it yourself with UMOCKDEV_DIR set to the printed root and
      LD_PRELOAD=libumockdev-preload.so.0. Lines on standard input steer the bus:
      `pending SERIAL` (prints `usb-sim: SERIAL ready BYTES reads URBS`: the reply bytes the host
      could read now and the IN transfers waiting for data), `hold SERIAL 0xEP` / `release SERIAL
      0xEP` (IN transfers on that endpoint take no data until released; prints `usb-sim: SERIAL
      held|released 0xEP`), `cancel-reads SERIAL` (every waiting IN transfer completes as
      discarded, as for a client that closed the node; prints `usb-sim: SERIAL reads cancelled`),
      `laser SERIAL` (prints `usb-sim: SERIAL laser on|off|none`, followed by `watchdog-trips N` \
      for a device with a laser watchdog), `unplug SERIAL`, `replug SERIAL` (a power cycle: queued data is gone, the device comes
      back at a new address) and `quit`.
      """)

  @Option(help: "Instrument family: ocean-ooi, ocean-obp, wasatch or dp5.")
  var family: String

  @Option(
    help: "Ocean Insight model (USB2000PLUS, HR4000, QE65000, MAYA2000PRO, USB4000, QEPRO, STS).")
  var model = ""

  @Option(help: "Serial number of a device; repeat for several devices of one model.")
  var serial: [String] = []

  @Option(help: "USB product ID in the descriptors instead of the model's (a wrong device).")
  var productID: String?

  @Option(
    help: "Wasatch: product ID of the emulated board (0x1000 FX2, 0x2000 InGaAs, 0x4000 ARM).")
  var wasatchProductID = "0x1000"

  @Option(help: "Wasatch: pixel count.")
  var pixels = 1024

  @Option(help: "Seed of the sample schedule and noise.")
  var seed: UInt64 = 1

  @Option(help: "Spectra per simulated measurement point.")
  var acquisitionsPerPoint = 5

  @Option(help: "Fraction of the integration time actually waited (1 = real time).")
  var pacing = 0.0

  @Option(help: "Stall (EPIPE) about one bulk IN transfer in n that carries data (0: never).")
  var stallEvery = 0

  @Option(help: "Deliver only half of about one bulk IN transfer in n at first (0: never).")
  var shortEvery = 0

  @Option(help: "Babble (EOVERFLOW) on about one bulk IN transfer in n (0: never).")
  var babbleEvery = 0

  @Option(help: "Never complete about one bulk IN transfer in n: the host times out (0: never).")
  var dropEvery = 0

  @Flag(
    help:
      "Print `usb-sim: SERIAL out 0xEP BYTES` for every bulk OUT transfer and `usb-sim: SERIAL control 0x40 0xREQ` for every vendor OUT request."
  )
  var traceOut = false

  @Flag(
    help:
      "Print `usb-sim: SERIAL spectrum FINGERPRINT delivered` for each spectrum the host received whole (OOI models without a split readout; Wasatch except 2048-pixel FX2)."
  )
  var traceSpectra = false

  @Option(help: "Python with python3-gi (Debian's).")
  var python = "/usr/bin/python3"

  @Argument(parsing: .postTerminator, help: "A command to run inside the testbed.")
  var command: [String] = []

  func validate() throws {
    guard EmulatedUSBDevice.Family(rawValue: family) != nil else {
      let names = EmulatedUSBDevice.Family.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("--family \(family) is not one of \(names)")
    }
    if let productID, Self.number(productID) == nil {
      throw ValidationError("--product-id \(productID) is not a 16-bit number")
    }
    guard Self.number(wasatchProductID) != nil else {
      throw ValidationError("--wasatch-product-id \(wasatchProductID) is not a 16-bit number")
    }
    guard Set(serial).count == serial.count, serial.allSatisfy({ !$0.contains(" ") && !$0.isEmpty })
    else { throw ValidationError("serial numbers must be distinct, non-empty, without spaces") }
  }

  static func number(_ text: String) -> UInt16? {
    text.hasPrefix("0x") ? UInt16(text.dropFirst(2), radix: 16) : UInt16(text)
  }

  private var defaultSerial: String {
    switch EmulatedUSBDevice.Family(rawValue: family) {
    case .oceanOOI: return "USB2+H00042"
    case .oceanOBP: return model.uppercased() == "STS" ? "S00042" : "QEP00042"
    case .wasatch: return "WP-00042"
    case .dp5, nil: return "31337"
    }
  }

  func run() async throws {
    let family = EmulatedUSBDevice.Family(rawValue: family)!
    let serials = serial.isEmpty ? [defaultSerial] : serial
    var faults = USBLinkFaults()
    faults.stallEvery = stallEvery
    faults.shortEvery = shortEvery
    faults.babbleEvery = babbleEvery
    faults.dropEvery = dropEvery
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-usb-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // The testbed script, Resources/usb-testbed.py, is compiled into this binary (`.embedInCode`).
    let script = folder.appendingPathComponent("usb-testbed.py")
    try Data(PackageResources.usb_testbed_py).write(to: script)

    var devices: [BusDevice] = []
    for (index, serial) in serials.enumerated() {
      var settings = EmulatedSpectrometerSettings(seed: seed &+ UInt64(index), serial: serial)
      settings.acquisitionsPerPoint = acquisitionsPerPoint
      settings.pacing = pacing
      let emulated = try EmulatedUSBDevice.make(
        family: family, model: model, settings: settings,
        wasatchProductID: Self.number(wasatchProductID)!, wasatchPixels: pixels,
        productID: productID.flatMap(Self.number))
      let socketPath = folder.appendingPathComponent("device-\(index).sock").path
      devices.append(
        try BusDevice(
          key: emulated.descriptors.serial, emulated: emulated, socketPath: socketPath,
          address: 2 + index, port: "1-\(2 + index)", faults: faults, tracesOut: traceOut,
          tracesSpectra: traceSpectra))
    }

    let testbed = Process()
    testbed.executableURL = URL(fileURLWithPath: python)
    testbed.arguments = [script.path]
    let input = Pipe()
    let output = Pipe()
    testbed.standardInput = input
    testbed.standardOutput = output
    let stop = StopSignals.install {
      if testbed.isRunning { testbed.terminate() }
      try? FileManager.default.removeItem(at: folder)
    }
    defer { stop.forEach { $0.cancel() } }
    do {
      try testbed.run()
    } catch {
      throw SimulatorError("cannot start \(python) (needs python3-gi): \(error)")
    }
    let specification = JSONValue.object([
      ("devices", .array(devices.map(\.specification))),
      ("command", .array(command.map { .string($0) })),
    ])
    // The testbed may die (a missing package): that is reported below, not by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try input.fileHandleForWriting.write(contentsOf: Data((Self.text(specification) + "\n").utf8))
    for device in devices { device.serve() }

    let lines = LineReader(handle: output.fileHandleForReading)
    guard let ready = lines.next(), let parsed = try? JSONParser.parse(Array(ready.utf8)) else {
      testbed.waitUntilExit()  // blocking-ok: its output ended, it is exiting
      throw SimulatorError("the umockdev testbed did not start (exit \(testbed.terminationStatus))")
    }
    SimulatorOutput.line(Self.text(Self.banner(parsed, devices: devices)))
    let relay = Thread {
      while let line = lines.next() { SimulatorOutput.line(line) }
    }
    relay.start()
    let steering = Task.detached {
      await Self.steer(devices: devices, testbed: input.fileHandleForWriting)
    }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      testbed.terminationHandler = { _ in continuation.resume() }
      if !testbed.isRunning { testbed.terminationHandler = nil; continuation.resume() }
    }
    steering.cancel()
    try? FileManager.default.removeItem(at: folder)
    let status = testbed.terminationStatus
    if status != 0 { throw ExitCode(status) }
  }

  /// Standard input's `unplug`/`replug`/`quit` lines: the emulation side first (power), then
  /// the testbed (udev events, device nodes).
  private static func steer(devices: [BusDevice], testbed: FileHandle) async {
    let lines = LineReader(handle: FileHandle.standardInput)
    while let line = lines.next() {
      let words = line.split(separator: " ").map(String.init)
      guard let verb = words.first else { continue }
      if verb == "quit" {
        try? testbed.write(contentsOf: Data("quit\n".utf8))
        return
      }
      if (verb == "hold" || verb == "release") && words.count == 3,
        let device = devices.first(where: { $0.key == words[1] }),
        let endpoint = UInt8(words[2].replacingOccurrences(of: "0x", with: ""), radix: 16)
      {
        await device.bridge?.holdReplies(on: endpoint, verb == "hold")
        SimulatorOutput.line(
          "usb-sim: \(device.key) \(verb == "hold" ? "held" : "released") \(words[2])")
        continue
      }
      guard words.count == 2, let device = devices.first(where: { $0.key == words[1] }),
        ["unplug", "replug", "pending", "laser", "cancel-reads"].contains(verb)
      else {
        SimulatorOutput.error("whitlock-sim usb: unknown request \(line)")
        continue
      }
      if verb == "pending" {
        let reads = await device.bridge?.pendingReads ?? 0
        SimulatorOutput.line(
          "usb-sim: \(device.key) ready \(device.emulated.readyReplyBytes()) reads \(reads)")
        continue
      }
      if verb == "cancel-reads" {
        await device.bridge?.cancelPendingReads()
        SimulatorOutput.line("usb-sim: \(device.key) reads cancelled")
        continue
      }
      if verb == "laser" {
        let state = device.emulated.laserEnabled().map { $0 ? "on" : "off" } ?? "none"
        let trips = device.emulated.laserWatchdogTrips().map { " watchdog-trips \($0)" } ?? ""
        SimulatorOutput.line("usb-sim: \(device.key) laser \(state)\(trips)")
        continue
      }
      if verb == "unplug" {
        device.emulated.powerOff()
        await device.bridge?.powerCycle()
        device.powerLost()
      } else {
        device.emulated.powerOn()
      }
      try? testbed.write(contentsOf: Data((line + "\n").utf8))
    }
  }

  private static func banner(_ ready: JSONValue, devices: [BusDevice]) -> JSONValue {
    guard case .object(let members) = ready else { return ready }
    let nodes = members.first { $0.0 == "devices" }?.1
    var result = members.filter { $0.0 != "devices" }
    result.append(
      (
        "devices",
        .array(
          devices.map { device in
            var fields: [(String, JSONValue)] = [("serial", .string(device.key))]
            if case .object(let byKey) = nodes,
              let node = byKey.first(where: { $0.0 == device.key })
            {
              fields.append(("node", node.1))
            }
            fields.append(("vendor_id", .int(Int64(device.emulated.descriptors.vendorID))))
            fields.append(("product_id", .int(Int64(device.emulated.descriptors.productID))))
            return .object(fields + device.emulated.facts)
          })
      ))
    return .object(result)
  }

  static func text(_ value: JSONValue) -> String {
    var writer = JSONWriter()
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
