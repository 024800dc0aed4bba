import Foundation
import Synchronization
import WhitlockCore

/// A Wasatch Photonics spectrometer on virtual USB, answering the vendor control requests of
/// wasatch 2.5.2 `FeatureIdentificationDevice.py` and sending spectra on bulk EP 0x82 (and 0x86
/// for the second half of a 2048-pixel FX2 detector).
///
/// The laser matters physically: with it off, spectra hold only offset, dark charge and noise. An
/// ARM device (PID 0x4000) stalls OUT requests that lack the 8-byte buffer, as the firmware does.
///
/// An ARM device also has the XS series' laser watchdog (0xFF/0x18 sets it in seconds, 0xFF/0x17
/// reads it, 0 disables it): the firmware switches the laser off by itself when the host has not
/// re-armed the watchdog for that long. The model re-arms it with every acquisition trigger and
/// every laser enable (an inference from ENLIGHTEN's description of the feature), so a host that
/// dies mid-run leaves the laser on for at most the watchdog period. FX2 boards have none and
/// stall the requests.
public final class WasatchDeviceEmulator: Sendable, SimulationTruthSource, CalibrationTargetChanger
{
  /// USB product ID: 0x1000 FX2, 0x4000 ARM.
  public let productID: UInt16
  public let pixelCount: Int
  public let settings: EmulatedSpectrometerSettings
  public let output = EmulatedOutputQueue(name: "emulated Wasatch")
  /// Model name written to the EEPROM.
  public let modelName: String

  private struct State {
    var integrationMilliseconds: UInt32 = 100
    var laserEnabled = false
    var modulation = false
    var modulationPeriod: UInt64 = 0
    var modulationWidth: UInt64 = 0
    var source: EmulatedRamanSource
    var laserHistory: [Bool] = []
    var requests = 0
    /// Values last written by the SET requests that only store a setting (TEC, gain, offset,
    /// trigger, attenuator, …), read back by their GET twins.
    var stored: [UInt8: UInt64] = [0xB7: 0x01E6]
    /// Laser watchdog period, s; 0 = disabled (ARM only).
    var watchdogSeconds: UInt16 = 0
    /// When the watchdog was last re-armed.
    var watchdogFedAt: ContinuousClock.Instant
    /// How often the watchdog switched the laser off.
    var watchdogTrips = 0

    /// Carries out the watchdog: past its period without a feed, the laser goes off.
    mutating func expireWatchdog(now: ContinuousClock.Instant) {
      guard laserEnabled, watchdogSeconds > 0,
        now - watchdogFedAt >= .seconds(Int(watchdogSeconds))
      else { return }
      laserEnabled = false
      laserHistory.append(false)
      watchdogTrips += 1
    }
  }

  /// SET requests that store their argument for a GET twin to read back
  /// (wasatch 2.5.2 `FeatureIdentificationDevice.py`).
  static let storedSettings: Set<UInt8> = [
    0xD8, 0xD6, 0xB7, 0xB6, 0xD2, 0xED, 0xAA, 0x82, 0x84, 0xE7, 0xDD, 0xC6, 0xB9, 0xEB, 0x9D,
    0x9C, 0x8A,
  ]
  /// GET requests answered from a stored SET: (SET request, reply length).
  static let storedReadbacks: [UInt8: (set: UInt8, length: Int)] = [
    0xDA: (0xD6, 1), 0xC5: (0xB7, 2), 0xC4: (0xB6, 2), 0xD3: (0xD2, 1), 0x83: (0x82, 1),
    0x85: (0x84, 1), 0xE8: (0xE7, 2), 0xDE: (0xDD, 1), 0xCA: (0xC6, 5), 0xC3: (0xB9, 5),
    0xEC: (0xEB, 1), 0x9F: (0x9D, 2), 0x9E: (0x9C, 2), 0x8B: (0x8A, 1),
  ]

  private let state: Mutex<State>
  /// The time the watchdog runs on (a test can pass a clock it advances itself).
  private let now: @Sendable () -> ContinuousClock.Instant

  public init(
    productID: UInt16 = 0x1000, pixelCount: Int = 1024, modelName: String = "WP-785X-ILP",
    settings: EmulatedSpectrometerSettings,
    now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
  ) {
    self.productID = productID
    self.pixelCount = pixelCount
    self.modelName = modelName
    self.settings = settings
    self.now = now
    state = Mutex(
      State(
        source: EmulatedRamanSource(
          seed: settings.seed, pixelCount: pixelCount, fullScale: 65535, darkPixels: [],
          excitationNanometres: settings.excitationNanometres,
          acquisitionsPerPoint: settings.acquisitionsPerPoint, axisError: settings.axisError),
        watchdogFedAt: now()))
  }

  private var isARM: Bool { productID == 0x4000 }

  /// Whether the laser is enabled right now (after the watchdog had its say).
  public var laserEnabled: Bool {
    let now = now()
    return state.withLock {
      $0.expireWatchdog(now: now)
      return $0.laserEnabled
    }
  }
  /// Every change of the laser, in order: enable/disable requests and watchdog trips.
  public var laserHistory: [Bool] {
    let now = now()
    return state.withLock {
      $0.expireWatchdog(now: now)
      return $0.laserHistory
    }
  }
  /// The laser watchdog period, s (0: disabled).
  public var laserWatchdogSeconds: UInt16 { state.withLock { $0.watchdogSeconds } }
  /// How often the watchdog has switched the laser off.
  public var laserWatchdogTrips: Int {
    let now = now()
    return state.withLock {
      $0.expireWatchdog(now: now)
      return $0.watchdogTrips
    }
  }
  /// Integration time last set, ms.
  public var integrationMilliseconds: UInt32 { state.withLock { $0.integrationMilliseconds } }
  /// Laser PWM (modulation on, period µs, width µs).
  public var laserModulation: (Bool, UInt64, UInt64) {
    state.withLock { ($0.modulation, $0.modulationPeriod, $0.modulationWidth) }
  }
  /// The wavelength polynomial stored in the EEPROM (float32 on the wire).
  public var wavelengthCoefficients: [Double] {
    state.withLock { $0.source.wavelengthCoefficients }
  }

  /// The true axis of the emulated device (its stored polynomial may be off: `axisError`).
  public var trueAxis: AxisCalibration { state.withLock { $0.source.trueAxis } }

  /// The calibration target in the beam, `nil` for the sample.
  public var target: CalibrationTarget? { state.withLock { $0.source.target } }

  /// Puts a lamp or standard in the beam instead of the sample (`nil`: the sample again), as
  /// the operator at the bench would.
  public func present(_ target: CalibrationTarget?) async throws {
    state.withLock { $0.source.target = target }
  }

  public func truthOfLatestSpectrum() -> JSONValue? {
    state.withLock { state in
      guard case .object(var members) = state.source.latestTruth else { return nil }
      members.append(("laser_enabled", .bool(state.laserEnabled)))
      return .object(members)
    }
  }

  /// EEPROM pages 0–7 (format 15) as wasatch 2.5.2 `EEPROM.py` lays them out.
  public func eepromPages() -> [[UInt8]] {
    var pages = [[UInt8]](repeating: [UInt8](repeating: 0, count: 64), count: 8)
    func put(_ bytes: [UInt8], page: Int, at offset: Int) {
      for (index, byte) in bytes.enumerated() { pages[page][offset + index] = byte }
    }
    func text(_ value: String, _ length: Int) -> [UInt8] { Array(value.utf8.prefix(length - 1)) }
    put(text(modelName, 16), page: 0, at: 0)
    put(text(settings.serial, 16), page: 0, at: 16)
    put([1, 0, 1], page: 0, at: 36)  // has_cooling, has_battery, has_laser
    put(EmulatedBytes.le(UInt16(0)), page: 0, at: 39)  // feature_mask
    put(EmulatedBytes.le(UInt16(100)), page: 0, at: 43)  // startup integration ms
    pages[0][63] = 15
    let coefficients = wavelengthCoefficients
    for index in 0..<4 {
      put(EmulatedBytes.le(Float(coefficients[index]).bitPattern), page: 1, at: 4 * index)
    }
    put(text("S11511", 16), page: 2, at: 0)
    put(EmulatedBytes.le(UInt16(pixelCount)), page: 2, at: 16)
    put(EmulatedBytes.le(Float(0).bitPattern), page: 2, at: 21)
    put(EmulatedBytes.le(UInt16(pixelCount)), page: 2, at: 25)
    put(EmulatedBytes.le(Float(450).bitPattern), page: 3, at: 28)  // max laser mW
    put(EmulatedBytes.le(Float(settings.excitationNanometres).bitPattern), page: 3, at: 36)
    put(EmulatedBytes.le(UInt32(1)), page: 3, at: 40)
    put(EmulatedBytes.le(UInt32(60_000)), page: 3, at: 44)
    return pages
  }

  /// Handles one control transfer.
  public func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int
  ) throws -> [UInt8] {
    let now = now()
    let number = state.withLock {
      $0.expireWatchdog(now: now)
      $0.requests += 1
      return $0.requests
    }
    let faults = settings.faults
    if faults.disconnectAtReply == number {
      output.setDisconnected(true)
      throw InstrumentError(.disconnected, "emulated Wasatch dropped off the bus")
    }
    if faults.applies(faults.nackEvery, to: number) || faults.applies(faults.stallEvery, to: number)
    {
      throw InstrumentError(
        .deviceRejected, "control request 0x\(String(request, radix: 16)) stalled")
    }
    if requestType == 0x40 {
      if isARM && data.count < 8 {
        throw InstrumentError(.deviceRejected, "ARM device stalls OUT request without 8 bytes")
      }
      try handleSet(request: request, value: value, index: index, data: data)
      return []
    }
    guard requestType == 0xC0 else {
      throw InstrumentError(.deviceRejected, "unsupported request type \(requestType)")
    }
    let reply = try handleGet(request: request, value: value, index: index)
    return Array(reply.prefix(length))
  }

  private func handleSet(request: UInt8, value: UInt16, index: UInt16, data: [UInt8]) throws {
    let now = now()
    try state.withLock { state in
      switch request {
      case 0xB2:
        state.integrationMilliseconds = max(UInt32(value) | UInt32(index & 0xFF) << 16, 1)
      case 0xAD:
        state.watchdogFedAt = now
        let seconds = Double(state.integrationMilliseconds) / 1000
        let counts = state.source.spectrum(
          integrationSeconds: seconds, illuminated: state.laserEnabled)
        let raw = counts.flatMap { EmulatedBytes.le(UInt16(clamping: $0)) }
        let delay = Duration.seconds(seconds * settings.pacing)
        if pixelCount == 2048 && !isARM {
          output.send(Array(raw.prefix(2048)), endpoint: 0x82, after: delay)
          output.send(Array(raw.dropFirst(2048)), endpoint: 0x86, after: delay)
        } else {
          output.send(raw, endpoint: 0x82, after: delay)
        }
      case 0xBE:
        state.laserEnabled = value != 0
        state.laserHistory.append(value != 0)
        state.watchdogFedAt = now
      case 0xFF where value == 0x18:
        guard isARM else {
          throw InstrumentError(.deviceRejected, "FX2 board has no laser watchdog (0xFF/0x18)")
        }
        state.watchdogSeconds = index
        state.watchdogFedAt = now
      case 0xBD:
        state.modulation = value != 0
      case 0xC7:
        state.modulationPeriod = Self.fortyBit(value, index, data)
      case 0xDB:
        state.modulationWidth = Self.fortyBit(value, index, data)
      case 0xFF:
        // Second tier: the sub-request in wValue, the argument in wIndex.
        state.stored[UInt8(truncatingIfNeeded: value) | 0x80, default: 0] = UInt64(index)
      case let request where Self.storedSettings.contains(request):
        state.stored[request] = Self.fortyBit(value, index, data)
      default:
        throw InstrumentError(
          .deviceRejected, "unknown SET request 0x\(String(request, radix: 16))")
      }
    }
  }

  private static func fortyBit(_ value: UInt16, _ index: UInt16, _ data: [UInt8]) -> UInt64 {
    UInt64(value) | UInt64(index) << 16 | UInt64(data.first ?? 0) << 32
  }

  private func handleGet(request: UInt8, value: UInt16, index: UInt16) throws -> [UInt8] {
    if let readback = Self.storedReadbacks[request] {
      let stored = state.withLock { $0.stored[readback.set, default: 0] }
      return Array(EmulatedBytes.le(stored).prefix(readback.length))
    }
    switch (request, value) {
    case (0xC0, _): return [4, 3, 2, 1]
    case (0xB4, _): return Array("01.1.01".utf8)
    case (0xBF, _): return Array(EmulatedBytes.le(integrationMilliseconds).prefix(3))
    case (0xE2, _): return [laserEnabled ? 1 : 0]
    case (0xE3, _): return [laserModulation.0 ? 1 : 0]
    case (0xCB, _): return Array(EmulatedBytes.le(laserModulation.1).prefix(5))
    case (0xDC, _): return Array(EmulatedBytes.le(laserModulation.2).prefix(5))
    case (0xD5, _): return EmulatedBytes.le(UInt16(0x0800))  // laser thermistor ADC, 12-bit
    case (0xD7, _): return detectorTemperatureRaw()
    case (0xD9, _): return EmulatedBytes.le(UInt16(state.withLock { $0.stored[0xD8, default: 0] }))
    case (0xDF, _): return Array(EmulatedBytes.le(integrationMilliseconds * 1000).prefix(3))
    case (0xE4, _): return EmulatedBytes.le(UInt16(1))
    case (0xFF, 0x04): return [0, 0, 0]  // FPGA compilation options
    case (0xFF, 0x05...0x0C): return [0]
    case (0xFF, 0x13): return [0, 87, 128]  // battery: not charging, 87.5 %
    case (0xFF, 0x17):  // laser watchdog, s (big-endian)
      guard isARM else {
        throw InstrumentError(.deviceRejected, "FX2 board has no laser watchdog (0xFF/0x17)")
      }
      let seconds = laserWatchdogSeconds
      return [UInt8(seconds >> 8), UInt8(seconds & 0xFF)]
    case (0xFF, 0x2A): return [23]  // ambient °C
    case (0xFF, 0x2C): return Array("ARM\(settings.serial)".utf8.prefix(12)).padded(to: 12)
    case (0xFF, 0x2D): return Array("1.0.3".utf8).padded(to: 32)
    case (0xFF, 0x63): return EmulatedBytes.le(UInt16(1))  // onboard scans to average
    case (0xFF, 0x78): return [1, 0, 0, 0, 0]
    case (0xEF, _): return [1]
    case (0xFF, 0x01):
      let pages = eepromPages()
      guard Int(index) < pages.count else { return [UInt8](repeating: 0xFF, count: 64) }
      return pages[Int(index)]
    case (0xFF, 0x03): return EmulatedBytes.le(UInt16(pixelCount))
    case (0xFF, 0x0D): return [laserEnabled ? 1 : 0]
    default:
      throw InstrumentError(.deviceRejected, "unknown GET request 0x\(String(request, radix: 16))")
    }
  }

  /// The detector thermistor ADC, big-endian: at the TEC's setpoint when it is on, else ambient.
  private func detectorTemperatureRaw() -> [UInt8] {
    let raw = state.withLock { state -> UInt16 in
      state.stored[0xD6, default: 0] != 0
        ? UInt16(clamping: state.stored[0xD8, default: 0]) & 0xFFF : 0x0A00
    }
    return [UInt8(raw >> 8), UInt8(raw & 0xFF)]
  }

  /// A new virtual USB connection (control on EP0; bulk IN 0x82 and 0x86).
  public func connectUSB() -> VirtualUSBDevice {
    output.setDisconnected(false)
    return VirtualUSBDevice(
      name: "virtual usb 24aa:\(String(productID, radix: 16)) \(settings.serial)", output: output,
      bulkOut: { endpoint, _ in
        throw InstrumentError(.protocolViolation, "Wasatch device has no bulk OUT \(endpoint)")
      },
      control: { [self] type, request, value, index, data, length in
        try self.control(
          requestType: type, request: request, value: value, index: index, data: data,
          length: length)
      })
  }
}

extension Array where Element == UInt8 {
  fileprivate func padded(to length: Int) -> [UInt8] {
    self + [UInt8](repeating: 0, count: Swift.max(0, length - count))
  }
}
