import Foundation
import Synchronization
import WhitlockCore

/// A legacy Ocean Optics spectrometer (USB2000+, HR4000, QE65000, Maya2000 Pro) on virtual USB.
///
/// Commands arrive on bulk OUT 0x01 (python-seabreeze 2.11.0 `OOIProtocol`): 0x01 initialise,
/// 0x02 integration time (u32 in the model's unit), 0x05 EEPROM slot (17-byte reply on 0x81:
/// serial in slot 0, wavelength coefficients as ASCII in slots 1–4), 0x09 spectrum (u16 words with
/// the model's bit flip and the sync byte 0x69 on 0x82, the first 2048 bytes on 0x86 for split
/// models), 0x0A trigger mode, 0x6A/0x6B FPGA registers (register 0x04 holds firmware 2.2.0, so a
/// USB2000+ is not taken for a Flame-S), 0xFE 16-byte status (high speed). Unknown opcodes are
/// ignored, as the devices do.
public final class OOIDeviceEmulator: Sendable, SimulationTruthSource, CalibrationTargetChanger {
  public let model: EmulatedOceanModel
  public let settings: EmulatedSpectrometerSettings
  public let output: EmulatedOutputQueue

  private struct State {
    var integrationMicroseconds: UInt64 = 100_000
    /// What the next spectrum integrates (behind `integrationMicroseconds` for one spectrum
    /// with `lateIntegrationChange`).
    var integratingMicroseconds: UInt64 = 100_000
    /// Whether the operator blocked the beam (a dark).
    var beamBlocked = false
    var source: EmulatedRamanSource
    var replies = 0
    var initialised = false
    var registers: [UInt8: UInt16] = [0x04: 0x2200]
  }

  private let state: Mutex<State>

  public init(model: EmulatedOceanModel, settings: EmulatedSpectrometerSettings) {
    self.model = model
    self.settings = settings
    output = EmulatedOutputQueue(name: "emulated \(model.name) \(settings.serial)")
    state = Mutex(
      State(
        source: EmulatedRamanSource(
          seed: settings.seed, pixelCount: model.pixelCount, fullScale: model.fullScale,
          darkPixels: model.darkPixels, excitationNanometres: settings.excitationNanometres,
          acquisitionsPerPoint: settings.acquisitionsPerPoint, axisError: settings.axisError)))
  }

  /// The wavelength polynomial over readout pixels (what a driver should end up with).
  public var wavelengthCoefficients: [Double] {
    state.withLock { $0.source.wavelengthCoefficients }
  }

  /// The integration time last set, µs.
  public var integrationMicroseconds: UInt64 { state.withLock { $0.integrationMicroseconds } }

  /// Blocks or unblocks the beam, as an operator does for a dark.
  public func setBeamBlocked(_ blocked: Bool) { state.withLock { $0.beamBlocked = blocked } }

  /// Whether the host sent 0x01 since power-up.
  public var isInitialised: Bool { state.withLock { $0.initialised } }

  /// The true axis of the emulated device (its stored polynomial may be off: `axisError`).
  public var trueAxis: AxisCalibration { state.withLock { $0.source.trueAxis } }

  /// The calibration target in the beam, `nil` for the sample.
  public var target: CalibrationTarget? { state.withLock { $0.source.target } }

  /// Puts a lamp or standard in the beam instead of the sample (`nil`: the sample again), as
  /// the operator at the bench would.
  public func present(_ target: CalibrationTarget?) async throws {
    state.withLock { $0.source.target = target }
  }

  public func truthOfLatestSpectrum() -> JSONValue? { state.withLock { $0.source.latestTruth } }

  /// The 15 data bytes of EEPROM slot `slot`: serial (0), wavelength coefficients indexed from
  /// the model's offset (1–4), stray light (5), a seventh-order non-linearity polynomial (6–14),
  /// bench (15), and in slot 17 the saturation level as binary u16 (bytes 4–5 of the data, at
  /// 0–1 on the Maya2000 Pro), where python-seabreeze looks for it.
  func slotData(_ slot: UInt8, coefficients: [Double]) -> [UInt8] {
    let text: String
    switch slot {
    case 0: text = settings.serial
    case 1...4:
      let stored = EmulatedBytes.shifted(coefficients, by: Double(-model.polynomialPixelOffset))
      text = String(format: "%.7e", stored[Int(slot) - 1])
    case 5: text = "0.0"
    case 6...13:
      let polynomial = settings.nonlinearity ?? Self.nonlinearity
      let index = Int(slot) - 6
      text = String(format: "%.7e", index < polynomial.count ? polynomial[index] : 0)
    case 14: text = "7"
    case 15: text = "01 000 025"
    case 17:
      var data = [UInt8](repeating: 0, count: 15)
      let at = model.name == "MAYA2000PRO" ? 0 : 4
      let level = UInt16(clamping: model.fullScale)
      data[at] = UInt8(level & 0xFF)
      data[at + 1] = UInt8(level >> 8)
      return data
    default: text = ""
    }
    let bytes = Array(text.utf8.prefix(14))
    return bytes + [UInt8](repeating: 0, count: 15 - bytes.count)
  }

  /// Non-linearity correction coefficients (orders 0…7) of a typical silicon CCD bench.
  static let nonlinearity: [Double] = [0.94, 4.1e-6, -1.2e-10, 1.9e-15, 0, 0, 0, 0]

  /// Handles one bulk OUT transfer (one command).
  public func command(_ bytes: [UInt8]) throws {
    guard let opcode = bytes.first else { return }
    try state.withLock { state in
      switch opcode {
      case 0x01:
        state.initialised = true
      case 0x02:
        guard bytes.count == 5 else {
          throw InstrumentError(.protocolViolation, "integration command needs 4 bytes")
        }
        let value = UInt64(EmulatedBytes.readLE(UInt32.self, bytes, at: 1)) * model.integrationBase
        if model.integrationMicroseconds.contains(value) {
          if !settings.lateIntegrationChange { state.integratingMicroseconds = value }
          state.integrationMicroseconds = value
        }
      case 0x05:
        guard bytes.count == 2 else { return }
        let data = slotData(bytes[1], coefficients: state.source.wavelengthCoefficients)
        send([0x05, bytes[1]] + data, endpoint: 0x81, state: &state)
      case 0x09:
        let seconds = Double(state.integratingMicroseconds) / 1e6
        state.integratingMicroseconds = state.integrationMicroseconds
        let counts = state.source.spectrum(
          integrationSeconds: seconds, illuminated: !state.beamBlocked)
        guard case .ooiWords(let mask, let split) = model.readout else { return }
        var raw = counts.flatMap { EmulatedBytes.le(UInt16(clamping: $0) ^ mask) }
        raw.append(0x69)
        let delay = Duration.seconds(seconds * settings.pacing)
        if split {
          send(Array(raw.prefix(2048)), endpoint: 0x86, delay: delay, state: &state)
          send(Array(raw.dropFirst(2048)), endpoint: 0x82, delay: delay, state: &state)
        } else {
          send(raw, endpoint: 0x82, delay: delay, state: &state)
        }
      case 0x6A:
        guard bytes.count == 4 else { return }
        state.registers[bytes[1]] = EmulatedBytes.readLE(UInt16.self, bytes, at: 2)
      case 0x6B:
        guard bytes.count == 2 else { return }
        let value = state.registers[bytes[1], default: 0]
        send([bytes[1]] + EmulatedBytes.le(value), endpoint: 0x81, state: &state)
      case 0xFE:
        var reply = EmulatedBytes.le(UInt16(model.pixelCount))
        reply += EmulatedBytes.le(UInt32(clamping: state.integrationMicroseconds))
        reply += [0, 0, 0, 1, 1, 0, 0, 0, 0x80, 0]
        send(reply, endpoint: 0x81, state: &state)
      default:
        break
      }
    }
  }

  private func send(
    _ bytes: [UInt8], endpoint: UInt8, delay: Duration = .zero, state: inout State
  ) {
    state.replies += 1
    let faults = settings.faults
    if faults.disconnectAtReply == state.replies {
      output.setDisconnected(true)
      return
    }
    if faults.applies(faults.stallEvery, to: state.replies) { return }
    var bytes = bytes
    if faults.applies(faults.corruptEvery, to: state.replies) { bytes[bytes.count - 1] ^= 0x5A }
    if faults.applies(faults.garbageEvery, to: state.replies) {
      output.send([0x13, 0x37], endpoint: endpoint)
    }
    output.send(bytes, endpoint: endpoint, after: delay)
  }

  /// A new virtual USB connection (bulk OUT 0x01; IN 0x81, 0x82, 0x86).
  public func connectUSB() -> VirtualUSBDevice {
    output.setDisconnected(false)
    return VirtualUSBDevice(
      name: "virtual usb 2457:\(String(model.productID, radix: 16)) \(settings.serial)",
      output: output,
      bulkOut: { [self] endpoint, bytes in
        guard endpoint == 0x01 else {
          throw InstrumentError(.protocolViolation, "OOI device has no OUT endpoint \(endpoint)")
        }
        try self.command(bytes)
      },
      control: { _, request, _, _, _, _ in
        throw InstrumentError(.deviceRejected, "OOI device stalls control request \(request)")
      })
  }
}
