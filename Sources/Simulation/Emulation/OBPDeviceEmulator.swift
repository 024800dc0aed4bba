import Foundation
import OceanInsight
import Synchronization
import WhitlockCore

/// An Ocean Insight OBP spectrometer (QE Pro, STS) that answers OBP messages byte for byte.
///
/// It parses requests with its own framing code (header, immediate data or payload, checksum,
/// footer; python-seabreeze 2.11.0 `pyseabreeze/protocol.py`) and answers serial number and its
/// length, product ID, wavelength-coefficient count and coefficients (float32), integration time
/// (ACK or NACK by the model's limits), trigger mode and the model's raw spectrum message. Unknown
/// messages are NACKed with "unknown message type". Replies go to an `EmulatedOutputQueue`, which
/// the serial and USB adapters read from.
public final class OBPDeviceEmulator: Sendable, SimulationTruthSource, CalibrationTargetChanger {
  public let model: EmulatedOceanModel
  public let settings: EmulatedSpectrometerSettings
  /// Replies waiting to be read (endpoint 0x81 on USB, the line on serial).
  public let output: EmulatedOutputQueue
  /// The endpoint replies are queued on.
  public let replyEndpoint: UInt8

  private struct State {
    var input: [UInt8] = []
    var integrationMicroseconds: UInt64 = 100_000
    /// Whether the operator blocked the beam (a dark).
    var beamBlocked = false
    /// Scans averaged into each spectrum (SET_SCANS_TO_AVERAGE).
    var scansToAverage = 1
    var source: EmulatedRamanSource
    var replies = 0
    var requests: [UInt32] = []
  }

  private let state: Mutex<State>

  public init(
    model: EmulatedOceanModel, settings: EmulatedSpectrometerSettings, replyEndpoint: UInt8 = 0
  ) {
    self.model = model
    self.settings = settings
    self.replyEndpoint = replyEndpoint
    self.output = EmulatedOutputQueue(name: "emulated \(model.name) \(settings.serial)")
    state = Mutex(
      State(
        source: EmulatedRamanSource(
          seed: settings.seed, pixelCount: model.pixelCount, fullScale: model.fullScale,
          darkPixels: model.darkPixels, excitationNanometres: settings.excitationNanometres,
          acquisitionsPerPoint: settings.acquisitionsPerPoint, axisError: settings.axisError)))
  }

  /// The wavelength polynomial the device stores (as float32 on the wire).
  public var wavelengthCoefficients: [Double] {
    state.withLock { $0.source.wavelengthCoefficients }
  }

  /// The integration time last accepted, µs.
  public var integrationMicroseconds: UInt64 { state.withLock { $0.integrationMicroseconds } }

  /// Every message type received, in order.
  public var requestLog: [UInt32] { state.withLock { $0.requests } }

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

  /// The non-linearity polynomial the device reports (GET_NL_COEFF): the settings' or the OOI
  /// emulation's typical one rescaled to this model's full scale.
  var nonlinearity: [Double] {
    if let stored = settings.nonlinearity { return stored }
    let scale = 65_535 / Double(model.fullScale)
    return OOIDeviceEmulator.nonlinearity.enumerated().map { $1 * pow(scale, Double($0)) }
  }

  /// Scans the device averages into each spectrum.
  public var scansToAverage: Int { state.withLock { $0.scansToAverage } }

  /// Blocks or unblocks the beam, as an operator does for a dark.
  public func setBeamBlocked(_ blocked: Bool) { state.withLock { $0.beamBlocked = blocked } }

  /// Feeds bytes from the host; complete requests are answered on `output`.
  public func receive(_ bytes: [UInt8]) {
    state.withLock { state in
      state.input += bytes
      while let request = Self.nextRequest(&state.input) { answer(request, state: &state) }
    }
  }

  private struct Request {
    var flags: UInt16
    var type: UInt32
    var regarding: UInt32
    var payload: [UInt8]
  }

  /// Cuts the next complete request from `input`, skipping bytes that cannot start one.
  private static func nextRequest(_ input: inout [UInt8]) -> Request? {
    while true {
      guard
        let start = (0..<max(input.count - 1, 0)).first(where: {
          input[$0] == 0xC1 && input[$0 + 1] == 0xC0
        })
      else {
        if input.last == 0xC1 { input = [0xC1] } else { input.removeAll() }
        return nil
      }
      input.removeFirst(start)
      guard input.count >= 44 else { return nil }
      let remaining = Int(EmulatedBytes.readLE(UInt32.self, input, at: 40))
      guard remaining >= 20, remaining <= 65536 else {
        input.removeFirst(2)
        continue
      }
      guard input.count >= 44 + remaining else { return nil }
      let total = 44 + remaining
      guard Array(input[(total - 4)..<total]) == [0xC5, 0xC4, 0xC3, 0xC2] else {
        input.removeFirst(2)
        continue
      }
      let immediate = Int(input[23])
      let payload =
        immediate > 0
        ? Array(input[24..<(24 + min(immediate, 16))]) : Array(input[44..<(total - 20)])
      let request = Request(
        flags: EmulatedBytes.readLE(UInt16.self, input, at: 4),
        type: EmulatedBytes.readLE(UInt32.self, input, at: 8),
        regarding: EmulatedBytes.readLE(UInt32.self, input, at: 12), payload: payload)
      input.removeFirst(total)
      return request
    }
  }

  private func message(
    type: UInt32, regarding: UInt32, flags: UInt16, error: UInt16 = 0, payload: [UInt8] = []
  ) -> [UInt8] {
    var bytes: [UInt8] = [0xC1, 0xC0, 0x00, 0x11]
    bytes += EmulatedBytes.le(flags) + EmulatedBytes.le(error) + EmulatedBytes.le(type)
    bytes += EmulatedBytes.le(regarding) + [UInt8](repeating: 0, count: 6)
    bytes.append(settings.checksums ? 1 : 0)
    if payload.count <= 16 {
      bytes.append(UInt8(payload.count))
      bytes += payload + [UInt8](repeating: 0, count: 16 - payload.count)
      bytes += EmulatedBytes.le(UInt32(20))
    } else {
      bytes.append(0)
      bytes += [UInt8](repeating: 0, count: 16) + EmulatedBytes.le(UInt32(payload.count + 20))
      bytes += payload
    }
    bytes += settings.checksums ? MD5.digest(bytes) : [UInt8](repeating: 0, count: 16)
    return bytes + [0xC5, 0xC4, 0xC3, 0xC2]
  }

  private func answer(_ request: Request, state: inout State) {
    state.requests.append(request.type)
    let wantsAck = request.flags & 0x0004 != 0
    let responseFlags: UInt16 = 0x0001 | (wantsAck ? 0x0002 : 0)
    var payload: [UInt8] = []
    var error: UInt16 = 0
    var delay = Duration.zero
    var isQuery = true
    switch request.type {
    case 0x0000_0100:
      payload = Array(settings.serial.utf8)
    case 0x0000_0101:
      payload = [UInt8(min(settings.serial.utf8.count, 255))]
    case 0x0000_0E01:
      payload = EmulatedBytes.le(model.productID)
    case 0x0018_0100:
      payload = [UInt8(state.source.wavelengthCoefficients.count)]
    case 0x0018_0101:
      let coefficients = state.source.wavelengthCoefficients
      if let index = request.payload.first, Int(index) < coefficients.count {
        payload = EmulatedBytes.le(Float(coefficients[Int(index)]).bitPattern)
      } else {
        error = 6
      }
    case 0x0018_1100:
      payload = [UInt8(nonlinearity.count)]
    case 0x0018_1101:
      if let index = request.payload.first, Int(index) < nonlinearity.count {
        payload = EmulatedBytes.le(Float(nonlinearity[Int(index)]).bitPattern)
      } else {
        error = 6
      }
    case 0x0011_0010:
      isQuery = false
      let value = UInt64(EmulatedBytes.readLE(UInt32.self, request.payload, at: 0))
      if request.payload.count != 4 {
        error = 5
      } else if model.integrationMicroseconds.contains(value * model.integrationBase) {
        state.integrationMicroseconds = value * model.integrationBase
      } else {
        error = 6
      }
    case 0x0011_0110:
      isQuery = false
    case 0x0012_0010:
      isQuery = false
      let scans =
        request.payload.count == 2
        ? Int(EmulatedBytes.readLE(UInt16.self, request.payload, at: 0)) : 0
      if (1...5000).contains(scans) { state.scansToAverage = scans } else { error = 6 }
    case 0x0010_1100 where model.readout == .obpWords,
      0x0010_0928 where model.readout == .obpLongWordsWithMetadata:
      let seconds = Double(state.integrationMicroseconds) / 1e6
      var sums = [UInt64](repeating: 0, count: model.pixelCount)
      for _ in 0..<state.scansToAverage {
        let scan = state.source.spectrum(
          integrationSeconds: seconds, illuminated: !state.beamBlocked)
        for index in 0..<min(scan.count, sums.count) { sums[index] += UInt64(scan[index]) }
      }
      let scans = UInt64(state.scansToAverage)
      let counts = sums.map { UInt32(($0 + scans / 2) / scans) }
      if model.readout == .obpWords {
        payload = counts.flatMap { EmulatedBytes.le(UInt16(clamping: $0)) }
      } else {
        payload = metadata(
          spectrum: state.source.spectraTaken, micros: state.integrationMicroseconds)
        payload += counts.flatMap { EmulatedBytes.le($0) }
      }
      delay = .seconds(seconds * Double(state.scansToAverage) * settings.pacing)
    default:
      error = 2
    }
    // Commands without an ACK request get no reply; everything else does.
    guard isQuery || wantsAck || error != 0 else { return }
    state.replies += 1
    let number = state.replies
    let faults = settings.faults
    if faults.applies(faults.stallEvery, to: number) { return }
    if faults.disconnectAtReply == number {
      output.setDisconnected(true)
      return
    }
    if faults.applies(faults.nackEvery, to: number) { error = 7 }
    var bytes =
      error == 0
      ? message(
        type: request.type, regarding: request.regarding, flags: responseFlags, payload: payload)
      : message(
        type: request.type, regarding: request.regarding, flags: 0x0001 | 0x0008, error: error)
    if faults.applies(faults.corruptEvery, to: number) { bytes[bytes.count - 10] ^= 0x5A }
    if faults.applies(faults.corruptEvery, to: number) && !settings.checksums {
      bytes[bytes.count - 1] ^= 0x5A
    }
    if faults.applies(faults.garbageEvery, to: number) {
      output.send([0x00, 0xC1, 0xC0, 0x13, 0x37, 0xC1, 0xFF], endpoint: replyEndpoint)
    }
    output.send(bytes, endpoint: replyEndpoint, after: delay)
  }

  /// 32 bytes of QE Pro metadata: the layout is undocumented, so the emulation fills in a
  /// spectrum counter and the integration time and leaves the rest zero.
  private func metadata(spectrum: UInt64, micros: UInt64) -> [UInt8] {
    var bytes = EmulatedBytes.le(UInt32(truncatingIfNeeded: spectrum))
    bytes += EmulatedBytes.le(UInt32(truncatingIfNeeded: micros))
    return bytes + [UInt8](repeating: 0, count: 24)
  }
}
