import SampleModels
import WhitlockCore

/// The physical Raman model behind every device emulation: it turns "integrate for t seconds" into
/// counts of the sample currently under the probe, and remembers that sample's truth.
public struct EmulatedRamanSource: Sendable {
  /// The physical model (pixel count, full scale and wavelength polynomial of the device).
  public private(set) var model: RamanSampleModel
  /// Which sample lies under the probe at each acquisition.
  public var schedule: SimulatedSampleSchedule
  /// Pixels that see no light (electrically dark, masked).
  public var darkPixels: [Int]
  /// Seed of the noise.
  public var seed: UInt64
  /// Spectra produced so far.
  public private(set) var spectraTaken: UInt64 = 0
  /// Truth of the latest spectrum.
  public private(set) var latestTruth: JSONValue?
  /// The calibration target in the beam instead of the sample, `nil` for the sample.
  public var target: CalibrationTarget?
  /// The wavelength polynomial the device stores (its EEPROM): the true one, or one off by
  /// `axisError` to give a calibration something to correct.
  public let storedWavelengthCoefficients: [Double]
  /// The laser wavelength the device (or its configuration) states, nm; the model's is true.
  public let statedExcitationNanometres: Double

  private static let noiseSalt: UInt64 = 0x454D_554C_4154_4F52

  /// A source for a device with `pixelCount` pixels clipping at `fullScale`.
  ///
  /// `axisError` makes the stored axis wrong the way a real device's is; the default is exact.
  public init(
    seed: UInt64, pixelCount: Int, fullScale: UInt32, darkPixels: [Int],
    excitationNanometres: Double, acquisitionsPerPoint: Int,
    axisError: EmulatedAxisError = EmulatedAxisError()
  ) {
    var model = RamanSampleModel(pixelCount: pixelCount)
    model.fullScale = fullScale
    // The true axis is the one the sample model has at the stated laser; the true laser is off
    // by the error's laser part.
    model.excitationNanometres = excitationNanometres
    let stated = model.wavelengthCoefficients
    model.customWavelengthCoefficients = stated
    model.excitationNanometres = excitationNanometres + axisError.laserNanometres
    self.statedExcitationNanometres = excitationNanometres
    self.storedWavelengthCoefficients = axisError.storedCoefficients(
      trueCoefficients: stated, pixelCount: pixelCount)
    self.model = model
    self.schedule = SimulatedSampleSchedule(seed: seed, acquisitionsPerPoint: acquisitionsPerPoint)
    self.darkPixels = darkPixels
    self.seed = seed
  }

  /// The wavelength polynomial (nm, c0…c3 over readout pixels) the device stores.
  public var wavelengthCoefficients: [Double] { storedWavelengthCoefficients }

  /// The true wavelength polynomial (nm, c0…c3): where the light of each pixel really comes from.
  public var trueWavelengthCoefficients: [Double] { model.wavelengthCoefficients }

  /// The true axis: the true polynomial and the true laser wavelength.
  public var trueAxis: AxisCalibration { model.axisCalibration }

  /// One spectrum integrated for `seconds`; with `illuminated` false (laser off) only offset,
  /// dark charge and noise.
  public mutating func spectrum(integrationSeconds seconds: Double, illuminated: Bool = true)
    -> [UInt32]
  {
    if let target {
      spectraTaken += 1
      var random = RandomSource(seed: seed ^ Self.noiseSalt, stream: spectraTaken)
      model.integrationSeconds = seconds
      let counts = model.counts(
        model.spectrumPlan(for: target, laserOn: illuminated), random: &random)
      latestTruth = .object([("calibration_target", .string(target.rawValue))])
      return counts
    }
    let point = schedule.point(forAcquisition: spectraTaken)
    spectraTaken += 1
    var random = RandomSource(seed: seed ^ Self.noiseSalt, stream: spectraTaken)
    model.integrationSeconds = seconds
    var composition = point.raman
    if !illuminated {
      composition = RamanComposition(tissueStrength: 0, fluorescenceStrength: 0)
    }
    var counts = model.counts(for: composition, random: &random)
    let darkLevel = model.baselineOffset + model.darkCurrent * seconds
    for pixel in darkPixels where pixel < counts.count {
      let noisy = darkLevel + model.readNoise * random.gaussian()
      counts[pixel] = UInt32(min(max(noisy.rounded(), 0), Double(model.fullScale)))
    }
    latestTruth = point.truth
    return counts
  }
}

/// How far an emulated device's stored axis is from its true one, as a real device's EEPROM is
/// (RRUFF runs of one sample on different instruments differ by 6–7 cm⁻¹).
public struct EmulatedAxisError: Sendable, Equatable {
  /// The error of the stored Raman shift at the first pixel, cm⁻¹ (stored − true); it falls
  /// linearly to half this at the last pixel.
  public var shiftCm1: Double
  /// True laser wavelength − stated laser wavelength, nm.
  public var laserNanometres: Double

  /// An exact axis by default.
  public init(shiftCm1: Double = 0, laserNanometres: Double = 0) {
    self.shiftCm1 = shiftCm1
    self.laserNanometres = laserNanometres
  }

  /// The cubic the device stores: through the wavelengths at which the true polynomial's light
  /// would show the stored shift error, at four pixels spread over the detector.
  func storedCoefficients(trueCoefficients: [Double], pixelCount: Int) -> [Double] {
    guard shiftCm1 != 0, pixelCount > 3 else { return trueCoefficients }
    let last = Double(pixelCount - 1)
    let pixels = [0, last / 3, 2 * last / 3, last]
    let values = pixels.map { pixel -> Double in
      var lambda = 0.0
      for coefficient in trueCoefficients.reversed() { lambda = lambda * pixel + coefficient }
      // A shift that reads `error` too high is a wavenumber that reads `error` too low.
      let error = shiftCm1 * (1 - 0.5 * pixel / last)
      return 1e7 / (1e7 / lambda - error)
    }
    return Self.cubic(through: Array(zip(pixels, values)))
  }

  /// The coefficients (ascending powers) of the cubic through four points.
  static func cubic(through points: [(Double, Double)]) -> [Double] {
    var result = [0.0, 0, 0, 0]
    for (i, point) in points.enumerated() {
      // Lagrange basis polynomial of point i, expanded.
      var basis = [1.0]
      var denominator = 1.0
      for (j, other) in points.enumerated() where j != i {
        var next = [Double](repeating: 0, count: basis.count + 1)
        for (power, coefficient) in basis.enumerated() {
          next[power] -= coefficient * other.0
          next[power + 1] += coefficient
        }
        basis = next
        denominator *= point.0 - other.0
      }
      for power in 0..<4 { result[power] += point.1 * basis[power] / denominator }
    }
    return result
  }
}
