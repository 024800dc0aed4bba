import Simulation
import Synchronization
import Testing
import Wasatch
import WhitlockCore

/// `WasatchInstrument` against the Wasatch device emulation on virtual USB.
@Suite struct WasatchRoundTripTests {
  private func instrument(
    _ device: WasatchDeviceEmulator, laser: Bool, seconds: Double = 0.1
  ) -> WasatchInstrument {
    WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: seconds, laserAllowed: laser),
      openDevice: { device.connectUSB() }, truth: device)
  }

  private func mean(_ counts: [UInt32]) -> Double {
    Double(counts.reduce(0) { $0 + UInt64($1) }) / Double(counts.count)
  }

  @Test func laserAllowedRunsLaserOnlyDuringTheRun() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings(serial: "WP-1"))
    let wasatch = instrument(device, laser: true)
    let identity = try await wasatch.open()
    #expect(identity.serial == "WP-1" && identity.model == "Wasatch WP-785X-ILP")
    #expect(!device.laserEnabled, "no operator run yet")
    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(device.laserEnabled)
    #expect(device.integrationMilliseconds == 100)
    let acquisition = try await wasatch.acquire()
    #expect(acquisition.counts.count == 1024)
    let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
    #expect(parameters["laser_enabled"] == .bool(true))
    #expect(acquisition.simulationTruth?["laser_enabled"] == .bool(true))
    let truth = AxisCalibration.wavelengthPolynomial(
      coefficients: device.wavelengthCoefficients, excitationNanometres: 785)
    for pixel in [0.0, 511, 1023] {
      #expect(
        abs(acquisition.axis.axisValue(atChannel: pixel) - truth.axisValue(atChannel: pixel)) < 1e-3
      )
    }
    #expect(mean(acquisition.counts) > 2000, "Raman light reaches the detector")
    await wasatch.close()
    #expect(!device.laserEnabled, "laser off at run end")
    #expect(device.laserHistory == [false, true, false])
  }

  @Test func automaticRunsAreDarkAndStoppingARunSwitchesTheLaserOffMidExposure() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings(serial: "WP-2"))
    let gated = GatedBulkReads(inner: device.connectUSB())
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: 0.05, laserAllowed: true),
      openDevice: { gated }, truth: device)
    _ = try await wasatch.open()
    let dark = try await wasatch.acquire()
    #expect(Dictionary(uniqueKeysWithValues: dark.parameters)["laser_enabled"] == .bool(false))
    #expect(!device.laserHistory.contains(true), "an automatic run never fires the laser")

    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(device.laserEnabled)
    // The operator stops the run while an exposure is in flight: off at once, not after it.
    gated.hold()
    let exposure = Task { try await wasatch.acquire() }
    await gated.waitForHeldRead()
    await wasatch.operatorRunChanged(active: false, generation: 2)
    #expect(!device.laserEnabled, "off while the exposure is still being read")
    gated.release()
    let stopped = try await exposure.value
    #expect(Dictionary(uniqueKeysWithValues: stopped.parameters)["laser_enabled"] == .bool(false))
    // News that arrives late (an older generation) changes nothing.
    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(!device.laserEnabled)
    await wasatch.close()
  }

  @Test func continuousEmissionFiresFromOpenWhenConfigured() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    var settings = WasatchSettings(integrationSeconds: 0.05, laserAllowed: true)
    settings.emission = .continuous
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: 0x1000, settings: settings, openDevice: { device.connectUSB() }
    )
    _ = try await wasatch.open()
    #expect(device.laserEnabled)
    await wasatch.close()
    #expect(!device.laserEnabled)
  }

  /// The XS (ARM) firmware's watchdog is set at open; when the host stops triggering
  /// acquisitions (a killed daemon), the device switches the laser off by itself.
  @Test func armLaserWatchdogSwitchesTheLaserOffWhenTheHostFallsSilent() async throws {
    let start = ContinuousClock.now
    let elapsed = Mutex(Duration.zero)
    let device = WasatchDeviceEmulator(
      productID: 0x4000, settings: EmulatedSpectrometerSettings(),
      now: { start + elapsed.withLock { $0 } })
    let wasatch = instrument(device, laser: true, seconds: 0.05)
    _ = try await wasatch.open()
    #expect(device.laserWatchdogSeconds == 5)
    await wasatch.operatorRunChanged(active: true, generation: 1)
    let acquisition = try await wasatch.acquire()
    #expect(Dictionary(uniqueKeysWithValues: acquisition.parameters)["laser_watchdog_s"] == .int(5))
    elapsed.withLock { $0 += .seconds(4) }
    _ = try await wasatch.acquire()
    elapsed.withLock { $0 += .seconds(4) }
    #expect(device.laserEnabled, "each acquisition re-arms the watchdog")
    // The host falls silent (killed): 5 s after the last trigger the laser is off.
    elapsed.withLock { $0 += .seconds(1) }
    #expect(!device.laserEnabled)
    #expect(device.laserWatchdogTrips == 1)
    // A live host that paused longer than the watchdog gets the laser back before exposing.
    let resumed = try await wasatch.acquire()
    #expect(Dictionary(uniqueKeysWithValues: resumed.parameters)["laser_enabled"] == .bool(true))
    await wasatch.close()
  }

  @Test func laserNotAllowedStaysOffAndSpectraAreDark() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    let wasatch = instrument(device, laser: false)
    _ = try await wasatch.open()
    let acquisition = try await wasatch.acquire()
    #expect(!device.laserHistory.contains(true))
    #expect(
      Dictionary(uniqueKeysWithValues: acquisition.parameters)["laser_enabled"] == .bool(false))
    #expect(mean(acquisition.counts) < 900, "only offset and dark charge")
    await wasatch.close()
  }

  @Test func laserPowerIsSetBeforeTheLaserIsEnabled() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    var settings = WasatchSettings(integrationSeconds: 0.05, laserAllowed: true)
    settings.laserPowerPercent = 40
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: 0x1000, settings: settings, openDevice: { device.connectUSB() }
    )
    _ = try await wasatch.open()
    await wasatch.operatorRunChanged(active: true, generation: 1)
    let (modulated, period, width) = device.laserModulation
    #expect(modulated && period == 1000 && width == 400)
    await wasatch.close()
  }

  @Test func errorPathSwitchesTheLaserOff() async throws {
    var settings = EmulatedSpectrometerSettings()
    // Open takes 2 (revisions) + 8 (EEPROM) + 2 (laser off) + 1 (integration) = 13 requests; the
    // operator run adds 1 (PWM off at 100 %) + 2 (laser on); the 17th is the acquire trigger
    // and stalls.
    settings.faults.stallEvery = 17
    let device = WasatchDeviceEmulator(settings: settings)
    let wasatch = instrument(device, laser: true)
    _ = try await wasatch.open()
    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(device.laserEnabled)
    await #expect(throws: InstrumentError.self) { try await wasatch.acquire() }
    #expect(!device.laserEnabled, "the failed acquisition switched the laser off")
    #expect(await !wasatch.interlock.laserShouldBeOn)
  }

  @Test func armDevicesGetEightByteBuffersAnd2048PixelFX2SplitsTheRead() async throws {
    let arm = WasatchDeviceEmulator(
      productID: 0x4000, pixelCount: 2048, settings: EmulatedSpectrometerSettings())
    let armInstrument = instrument(arm, laser: true)
    _ = try await armInstrument.open()
    #expect(try await armInstrument.acquire().counts.count == 2048)
    await armInstrument.close()

    let fx2 = WasatchDeviceEmulator(
      productID: 0x1000, pixelCount: 2048, settings: EmulatedSpectrometerSettings(seed: 4))
    let fx2Instrument = instrument(fx2, laser: true)
    _ = try await fx2Instrument.open()
    let acquisition = try await fx2Instrument.acquire()
    #expect(acquisition.counts.count == 2048)
    // The halves join without a seam: the fluorescence background is smooth across pixel 1024.
    let left = Double(acquisition.counts[1000..<1024].reduce(0, +)) / 24
    let right = Double(acquisition.counts[1024..<1048].reduce(0, +)) / 24
    #expect(abs(left - right) / left < 0.1)
    await fx2Instrument.close()
  }

  /// An EEPROM whose pixel count reads 0 (unprogrammed page 2) is reported at open, with the
  /// laser off, instead of producing empty spectra that no reader can use.
  @Test func anImplausibleEEPROMIsReportedAtOpenWithTheLaserOff() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: 0.05, laserAllowed: true),
      openDevice: { InterceptedUSB.zeroedPixelCount(device.connectUSB()) }, truth: device)
    let error = await #expect(throws: InstrumentError.self) { try await wasatch.open() }
    #expect(error?.category == .protocolViolation)
    #expect(error?.message.contains("0 active pixels") == true, "\(String(describing: error))")
    #expect(!device.laserEnabled)
  }

  @Test func integrationOutsideTheEEPROMLimitsIsAConfigurationError() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    let wasatch = instrument(device, laser: true, seconds: 120)
    let error = await #expect(throws: InstrumentError.self) { try await wasatch.open() }
    #expect(error?.category == .configuration)
    #expect(!device.laserEnabled)
  }

  @Test func zeroLengthPacketsForeverEndInATimeoutWithTheLaserOff() async throws {
    let device = WasatchDeviceEmulator(settings: EmulatedSpectrometerSettings())
    let wasatch = WasatchInstrument(
      configuredID: "wp", productID: device.productID,
      settings: WasatchSettings(integrationSeconds: 0.05, laserAllowed: true),
      openDevice: { InterceptedUSB.emptyBulkReads(device.connectUSB()) }, truth: device)
    _ = try await wasatch.open()
    await wasatch.operatorRunChanged(active: true, generation: 1)
    #expect(device.laserEnabled)
    await #expect {
      _ = try await wasatch.acquire()
    } throws: { error in
      (error as? InstrumentError)?.category == .timeout
    }
    await wasatch.close()
    #expect(!device.laserEnabled, "the failed acquisition's close switched the laser off")
  }
}

/// A device on virtual USB whose bulk reads and control replies a test may change on the way
/// to the driver (a misbehaving device); everything else passes through.
private struct InterceptedUSB: USBInterface {
  let inner: any USBInterface
  /// Replaces a bulk read; `nil` passes it through.
  var bulkRead: (@Sendable (_ endpoint: UInt8, _ maxLength: Int) async -> [UInt8])? = nil
  /// Rewrites a control reply: (request, wValue, wIndex, reply) → reply.
  var controlReply: @Sendable (UInt8, UInt16, UInt16, [UInt8]) -> [UInt8] = { $3 }

  var name: String { inner.name }
  func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws {
    try await inner.bulkWrite(endpoint: endpoint, bytes, timeout: timeout)
  }
  func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8] {
    if let bulkRead { return await bulkRead(endpoint, maxLength) }
    return try await inner.bulkRead(endpoint: endpoint, maxLength: maxLength, timeout: timeout)
  }
  func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8] {
    controlReply(
      request, value, index,
      try await inner.control(
        requestType: requestType, request: request, value: value, index: index, data: data,
        length: length, timeout: timeout))
  }
  func close() async { await inner.close() }

  /// Every bulk IN read answers at once with a zero-length packet.
  static func emptyBulkReads(_ inner: any USBInterface) -> InterceptedUSB {
    InterceptedUSB(
      inner: inner,
      bulkRead: { _, _ in
        await Task.yield()
        return []
      })
  }

  /// EEPROM page 2 reads back with the active pixel count zeroed.
  static func zeroedPixelCount(_ inner: any USBInterface) -> InterceptedUSB {
    InterceptedUSB(
      inner: inner,
      controlReply: { request, value, index, reply in
        guard request == 0xFF, value == 0x01, index == 2, reply.count == 64 else { return reply }
        var zeroed = reply
        zeroed[16] = 0
        zeroed[17] = 0
        return zeroed
      })
  }
}

/// A device whose bulk reads can be held: `hold()`, then the next read says it started and waits
/// for `release()` — an exposure in flight the test can act during.
private final class GatedBulkReads: USBInterface, Sendable {
  private struct Gate {
    var holding = false
    var waiting: CheckedContinuation<Void, Never>?
    var started: CheckedContinuation<Void, Never>?
    var readHeld = false
  }

  let inner: any USBInterface
  private let gate = Mutex(Gate())

  init(inner: any USBInterface) { self.inner = inner }

  var name: String { inner.name }

  /// Reads from now on wait until `release()`.
  func hold() { gate.withLock { $0.holding = true } }

  /// Lets held reads go on.
  func release() {
    let waiting = gate.withLock { gate -> CheckedContinuation<Void, Never>? in
      gate.holding = false
      defer { gate.waiting = nil }
      return gate.waiting
    }
    waiting?.resume()
  }

  /// Returns once a read is being held.
  func waitForHeldRead() async {
    await withCheckedContinuation { continuation in
      let now = gate.withLock { gate -> Bool in
        if gate.readHeld { return true }
        gate.started = continuation
        return false
      }
      if now { continuation.resume() }
    }
  }

  func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws {
    try await inner.bulkWrite(endpoint: endpoint, bytes, timeout: timeout)
  }

  func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8] {
    await withCheckedContinuation { continuation in
      let (proceed, started) = gate.withLock {
        gate -> (Bool, CheckedContinuation<Void, Never>?) in
        guard gate.holding else { return (true, nil) }
        gate.waiting = continuation
        gate.readHeld = true
        defer { gate.started = nil }
        return (false, gate.started)
      }
      started?.resume()
      if proceed { continuation.resume() }
    }
    return try await inner.bulkRead(endpoint: endpoint, maxLength: maxLength, timeout: timeout)
  }

  func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8] {
    try await inner.control(
      requestType: requestType, request: request, value: value, index: index, data: data,
      length: length, timeout: timeout)
  }

  func close() async { await inner.close() }
}
