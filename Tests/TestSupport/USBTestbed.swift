import Foundation
import WhitlockCore

/// `whitlock-sim usb` started by a test: emulated USB devices on a umockdev testbed, which
/// programs started with `environment` open through their real libusb code.
public final class USBTestbed: Sendable {
  /// The simulator process (its stdout carries the ready line and plug events).
  public let simulator: ChildProcess
  /// The ready line: `umockdev_dir`, `devices` (serial, node, ids and what to read from each).
  public let banner: JSONValue
  /// The ready line as printed, for programs that read it themselves.
  public let readyLine: String

  /// Starts `whitlock-sim usb` with `arguments` (e.g. `--family ocean-ooi --model USB2000PLUS`)
  /// and waits for its ready line.
  ///
  /// - Throws: a clear error when umockdev or python3-gi is missing or the testbed fails.
  public init(_ arguments: [String]) async throws {
    simulator = try ChildProcess(
      try ProductsDirectory.executable("whitlock-sim"), ["usb"] + arguments, writableInput: true)
    let ready = await simulator.wait(upTo: .seconds(120)) {
      $0.standardOutput.contains("\"umockdev_dir\"") || !$0.isRunning
    }
    guard ready, let line = simulator.standardOutput.split(separator: "\n").first,
      let parsed = try? JSONParser.parse(String(line))
    else {
      throw SubprocessFailure(
        description: "whitlock-sim usb did not start (needs umockdev, gir1.2-umockdev-1.0, "
          + "python3-gi): \(simulator.standardError)")
    }
    banner = parsed
    readyLine = String(line)
  }

  /// The variables that put a program inside the testbed.
  public var environment: [String: String] {
    [
      "UMOCKDEV_DIR": banner["umockdev_dir"]?.stringValue ?? "",
      "LD_PRELOAD": banner["preload"]?.stringValue ?? "libumockdev-preload.so.0",
    ]
  }

  /// The ready line's entry for the device with `serial` (the first device when `nil`).
  public func device(_ serial: String? = nil) -> JSONValue? {
    guard case .array(let devices)? = banner["devices"] else { return nil }
    return devices.first { serial == nil || $0["serial"]?.stringValue == serial }
  }

  /// Unplugs the device with `serial` and waits until the testbed has removed it.
  public func unplug(_ serial: String) async -> Bool {
    await request("unplug \(serial)", confirmation: "unplugged \(serial)")
  }

  /// Plugs the device with `serial` back in (a power cycle) and waits for it to be on the bus.
  public func replug(_ serial: String) async -> Bool {
    await request("replug \(serial)", confirmation: "replugged \(serial) ")
  }

  /// Waits until the device with `serial` holds at least `bytes` reply bytes that the host
  /// could read now.
  public func waitForReadyReply(_ serial: String, bytes: Int) async -> Bool {
    let answer = "usb-sim: \(serial) ready "
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
      let before = occurrences(of: answer)
      simulator.writeLine("pending \(serial)")
      guard
        await simulator.wait(upTo: .seconds(30), until: { _ in occurrences(of: answer) > before })
      else { return false }
      let words = (simulator.standardOutput.components(separatedBy: answer).last ?? "")
        .prefix { $0 != "\n" }.split(separator: " ")
      if let first = words.first, let ready = Int(first), ready >= bytes { return true }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return false
  }

  /// Completes the device's waiting IN transfers as discarded (a killed client's, which the
  /// testbed does not always see go), so none of them takes data meant for the next client.
  public func cancelPendingReads(_ serial: String) async -> Bool {
    await request("cancel-reads \(serial)", confirmation: "usb-sim: \(serial) reads cancelled")
  }

  /// Holds (true) or releases the IN transfers of `endpoint` (e.g. `0x82`): while held, no
  /// client takes data from it.
  public func holdReplies(_ serial: String, endpoint: String, _ held: Bool) async -> Bool {
    let verb = held ? "hold" : "release"
    return await request(
      "\(verb) \(serial) \(endpoint)",
      confirmation: "usb-sim: \(serial) \(held ? "held" : "released") \(endpoint)")
  }

  /// The laser state of the device with `serial` as the emulation holds it: `on`, `off`, `none`
  /// (no laser), or `nil` when the simulator did not answer.
  public func laserState(_ serial: String) async -> String? {
    guard let report = await laserReport(serial) else { return nil }
    return String(report.prefix { $0.isLetter })
  }

  /// The whole `laser` answer for `serial`: `on|off|none`, then `watchdog-trips N` for a device
  /// with a laser watchdog.
  public func laserReport(_ serial: String) async -> String? {
    let answer = "usb-sim: \(serial) laser "
    let before = occurrences(of: answer)
    simulator.writeLine("laser \(serial)")
    guard await simulator.wait(upTo: .seconds(30), until: { _ in occurrences(of: answer) > before })
    else { return nil }
    let last = simulator.standardOutput.components(separatedBy: answer).last ?? ""
    return String(last.prefix { $0 != "\n" })
  }

  /// Asks for the laser state of `serial` until it is `state` or `deadline` passes; returns how
  /// long that took, or `nil`.
  public func waitForLaser(_ serial: String, _ state: String, upTo deadline: Duration) async
    -> Duration?
  {
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < deadline {
      if await laserState(serial) == state { return clock.now - start }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return nil
  }

  private func request(_ line: String, confirmation: String) async -> Bool {
    let before = occurrences(of: confirmation)
    simulator.writeLine(line)
    return await simulator.wait(upTo: .seconds(60)) {
      _ = $0
      return self.occurrences(of: confirmation) > before
    }
  }

  private func occurrences(of text: String) -> Int {
    simulator.standardOutput.components(separatedBy: text).count - 1
  }

  /// Stops the testbed.
  public func stop() async {
    simulator.writeLine("quit")
    if await simulator.waitForExit(upTo: .seconds(30)) == nil { simulator.send(SIGKILL) }
  }
}
