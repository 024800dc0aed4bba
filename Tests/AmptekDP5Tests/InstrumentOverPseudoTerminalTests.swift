import AmptekDP5
import Foundation
import Simulation
import Testing
import Transports
import WhitlockCore

/// `DP5Instrument` over a real `SerialPort` on a pseudo-terminal served by the emulator: the
/// driver and the simulator share nothing but bytes.
@Suite struct InstrumentOverPseudoTerminalTests {
  /// A running simulated device.
  final class Bench: Sendable {
    let pty: PseudoTerminal
    let server: Task<Void, Never>

    init(settings: DP5EmulatorSettings = DP5EmulatorSettings(), faults: DP5FaultSettings = .init())
      throws
    {
      let pty = try PseudoTerminal()
      self.pty = pty
      server = Task {
        var server = DP5EmulatorServer(emulator: DP5Emulator(settings: settings), faults: faults)
        _ = await server.serve(pty) { _ in }
      }
    }

    func instrument(_ settings: DP5InstrumentSettings) -> DP5Instrument {
      let path = pty.devicePath
      return DP5Instrument(configuredID: "xrf-test", settings: settings) {
        try SerialPort.open(path: path)
      }
    }

    func stop() async {
      server.cancel()
      await pty.close()
    }
  }

  private func quickSettings() -> DP5InstrumentSettings {
    var settings = DP5InstrumentSettings()
    settings.channels = 1024
    settings.presetSeconds = 0.3
    settings.pollIntervalSeconds = 0.05
    settings.keVPerChannel = 0.02
    settings.offsetKeV = 0.015
    settings.textCommands = [DP5TextCommand(key: "GAIN", value: "20")]
    return settings
  }

  @Test func opensIdentifiesConfiguresAndAcquires() async throws {
    let bench = try Bench()
    let instrument = bench.instrument(quickSettings())
    let identity = try await instrument.open()
    #expect(identity.model == "Amptek X-123")
    #expect(identity.serial == "31337")
    #expect(identity.firmware == "6.07 build 3 (FPGA 6.05)")
    #expect(identity.family == "amptek-dp5")
    for expected in 1...2 {
      let acquisition = try await instrument.acquire()
      #expect(acquisition.deviceSequence == UInt64(expected))
      #expect(acquisition.counts.count == 1024)
      #expect(acquisition.counts.reduce(0, +) > 100)
      #expect(abs(acquisition.exposureSeconds - 0.3) < 1e-9)
      #expect(acquisition.axis == .linearEnergy(keVPerChannel: 0.02, offsetKeV: 0.015))
      #expect(acquisition.fullScale == 0xFF_FFFF)
      let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
      #expect(parameters["gp_count"] == .int(Int64(expected)))
      #expect(parameters["detector_temperature_k"] == .double(220))
      #expect(parameters["configuration"] == .string("MCAC=1024;PRET=0.3;GAIN=20;"))
    }
    await instrument.close()
    await bench.stop()
  }

  @Test func settingsTheDeviceCannotTakeFailBeforeSending() async throws {
    var device = DP5EmulatorSettings()
    device.pc5Present = false
    let bench = try Bench(settings: device)
    var settings = quickSettings()
    settings.textCommands = [DP5TextCommand(key: "HVSE", value: "-110")]
    do {
      _ = try await bench.instrument(settings).open()
      Issue.record("open succeeded with HVSE on a DP5 without PC5")
    } catch let error as InstrumentError {
      #expect(error.category == .configuration)
      #expect(error.message.contains("HVSE"), "\(error)")
    }
    await bench.stop()
  }

  @Test func recoversFromGarbageCorruptionDropsDelaysAndBusy() async throws {
    var faults = DP5FaultSettings()
    faults.garbageProbability = 0.3
    faults.corruptChecksumProbability = 0.15
    faults.dropReplyProbability = 0.1
    faults.delayReplyProbability = 0.1
    faults.delaySeconds = 0.05
    faults.busyProbability = 0.1
    faults.seed = 11
    let bench = try Bench(faults: faults)
    var settings = quickSettings()
    settings.link.replyLatency = .milliseconds(150)
    settings.link.attempts = 8
    settings.link.busyBackoff = .milliseconds(20)
    let instrument = bench.instrument(settings)
    _ = try await instrument.open()
    var presets: [JSONValue] = []
    var retries: Int64 = 0
    for _ in 0..<4 {
      let acquisition = try await instrument.acquire()
      let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
      presets.append(parameters["gp_count"] ?? .null)
      if case .int(let count) = parameters["link_retries"] { retries = count }
    }
    #expect(presets == [.int(1), .int(2), .int(3), .int(4)], "each preset read exactly once")
    #expect(retries > 0, "the faults made the driver retry")
    await instrument.close()
    await bench.stop()
  }

  @Test func staleReplyLeftByAKilledClientIsDrainedAtOpen() async throws {
    let bench = try Bench()
    // A client that sends a request and dies before reading: wait (without reading) until the
    // whole reply sits in the line, so the test does not depend on how fast the emulator answers.
    let replyLength = 1024 * 3 + 64 + 8
    let killed = open(bench.pty.devicePath, O_RDWR | O_NOCTTY)
    #expect(killed >= 0)
    var raw = termios()
    tcgetattr(killed, &raw)
    cfmakeraw(&raw)
    tcsetattr(killed, TCSANOW, &raw)
    let request = DP5Request.spectrum(withStatus: true, clear: false).encoded
    #expect(request.withUnsafeBytes { write(killed, $0.baseAddress, $0.count) } == request.count)
    // The deadline is far beyond a normal run (well under a second): under AddressSanitizer or
    // ThreadSanitizer with the whole suite in parallel on two cores, the emulator's task waited
    // more than 60 s for a thread, and this test failed on the deadline, not on the drain.
    var pending: Int32 = 0
    let deadline = ContinuousClock.now + .seconds(300)
    while ContinuousClock.now < deadline {
      _ = ioctl(killed, UInt(FIONREAD), &pending)
      if pending >= Int32(replyLength) { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    #expect(pending == Int32(replyLength), "the emulator answered the dying client")
    close(killed)
    let instrument = bench.instrument(quickSettings())
    let identity = try await instrument.open()
    #expect(identity.serial == "31337")
    let acquisition = try await instrument.acquire()
    let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
    if case .int(let stale) = parameters["stale_bytes_at_open"] {
      #expect(stale == Int64(replyLength), "the unread spectrum was drained")
    } else {
      Issue.record("no stale_bytes_at_open")
    }
    await instrument.close()
    await bench.stop()
  }
}

extension InstrumentOverPseudoTerminalTests {
  @Test func completedRunLostOnTheLinkIsRecoveredOnceAfterReopen() async throws {
    let bench = try Bench()
    let settings = quickSettings()
    let instrument = bench.instrument(settings)
    _ = try await instrument.open()
    let first = try await instrument.acquire()
    // Another client (a daemon that died mid-transfer) starts and completes a run.
    await instrument.close()
    let other = DP5Connection(stream: try SerialPort.open(path: bench.pty.devicePath))
    try await other.command(.clearSpectrum)
    try await other.command(.enableMCA)
    // It dies once the device reports the run complete (preset time reached), never reading it.
    let deadline = ContinuousClock.now + .seconds(120)
    var complete = false
    while !complete, ContinuousClock.now < deadline {
      complete = try await other.transact(
        .status, replyBytes: DP5Status.byteCount, expecting: "a status"
      ) { response -> Bool? in
        if case .status(let status) = response { return status.presetTimeReached }
        return nil
      }
      if !complete { try await Task.sleep(for: .milliseconds(20)) }
    }
    #expect(complete, "the other client's run reached its preset")
    await other.close()

    _ = try await instrument.open()
    let recovered = try await instrument.acquire()
    let parameters = Dictionary(uniqueKeysWithValues: recovered.parameters)
    #expect(parameters["recovered"] == .bool(true))
    #expect(parameters["gp_count"] == .int(2))
    let next = try await instrument.acquire()
    #expect(Dictionary(uniqueKeysWithValues: next.parameters)["gp_count"] == .int(3))
    #expect([first, recovered, next].map(\.deviceSequence) == [1, 2, 3])

    // Reopening right after a delivered run does not deliver it again.
    await instrument.close()
    _ = try await instrument.open()
    let after = try await instrument.acquire()
    let afterParameters = Dictionary(uniqueKeysWithValues: after.parameters)
    #expect(afterParameters["recovered"] == nil)
    #expect(afterParameters["gp_count"] == .int(4))
    await instrument.close()
    await bench.stop()
  }
}

extension InstrumentOverPseudoTerminalTests {
  @Test func closeClearsTheDeliveredRunSoALaterClientDoesNotRecoverIt() async throws {
    let bench = try Bench()
    let instrument = bench.instrument(quickSettings())
    _ = try await instrument.open()
    _ = try await instrument.acquire()
    await instrument.close()
    // A new process has no memory of what was delivered.
    let restarted = bench.instrument(quickSettings())
    _ = try await restarted.open()
    let next = try await restarted.acquire()
    let parameters = Dictionary(uniqueKeysWithValues: next.parameters)
    #expect(parameters["recovered"] == nil)
    #expect(parameters["gp_count"] == .int(2))
    await restarted.close()
    await bench.stop()
  }
}
