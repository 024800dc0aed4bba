import Foundation
import WhitlockCore

/// A detector in process whose counts follow the exposure exactly: an offset of 800 counts plus
/// one band whose top collects `peakRate` counts per second, clipped at full scale. It has the
/// fault python-seabreeze users met (issues 110, 177, 283): a changed exposure takes effect one
/// frame late, so the first frame after a change was integrated with the old one.
actor LinearDetector: AdjustsExposure {
  nonisolated let configuredID = "lin"
  nonisolated let kind = InstrumentKind.raman
  static let offset = 800.0
  static let pixels = 101

  /// Counts per second at the band's top (the sample's brightness).
  var peakRate: Double
  /// The device's non-linearity polynomial.
  var coefficients: [Double]?
  /// The exposure the device integrates with.
  private(set) var integrating: Double = 0.1
  /// Every frame: the exposure it was asked for, the one it integrated, and whether dark.
  private(set) var frames: [(asked: Double, integrated: Double, dark: Bool)] = []

  init(peakRate: Double, coefficients: [Double]? = nil) {
    self.peakRate = peakRate
    self.coefficients = coefficients
  }

  func setPeakRate(_ rate: Double) { peakRate = rate }

  var identity: InstrumentIdentity {
    InstrumentIdentity(
      id: configuredID, kind: .raman, model: "Linear", serial: "L-1", family: "test")
  }

  func open() async throws -> InstrumentIdentity { identity }
  func close() async {}

  func acquire() async throws -> Acquisition {
    try await acquire(exposureSeconds: integrating, dark: false)
  }

  var exposureRange: ClosedRange<Double> { 0.001...10 }
  func setDeviceAveraging(scans: Int) async throws -> Int { 1 }
  var nonlinearityCoefficients: [Double]? { coefficients }

  /// The band's shape at `pixel` (1 at the top, pixel 50).
  static func band(_ pixel: Int) -> Double { exp(-pow(Double(pixel - 50) / 8, 2)) }

  func acquire(exposureSeconds: Double, dark: Bool) async throws -> Acquisition {
    let integrated = integrating
    integrating = exposureSeconds  // applied from the next frame on
    frames.append((exposureSeconds, integrated, dark))
    let rate = dark ? 0 : peakRate
    let counts = (0..<Self.pixels).map { pixel in
      UInt32(min(Self.offset + rate * integrated * Self.band(pixel), 65535).rounded())
    }
    let now = Date()
    return Acquisition(
      instrument: identity, deviceSequence: UInt64(frames.count), startedAt: now, endedAt: now,
      counts: counts,
      axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785),
      exposureSeconds: exposureSeconds, fullScale: 65535,
      parameters: [("integration_time_s", .number(exposureSeconds))])
  }
}

extension Acquisition {
  /// The parameter `key`, `nil` when absent.
  func parameter(_ key: String) -> JSONValue? { parameters.first { $0.0 == key }?.1 }
}
