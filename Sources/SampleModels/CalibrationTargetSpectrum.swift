import Calibration
import Foundation
import WhitlockCore

/// What a calibration target puts on the detector, on the model's true axis: a lamp's NIST lines
/// (`CalibrationLamp`) at their vacuum wavenumbers, or a Raman standard's reference bands
/// (`ReferenceStandard`) excited by the laser. The instrument's line width broadens both.
///
/// The emulated devices render these through their true wavelength polynomial and report their
/// stored (slightly wrong) one, so a calibration from them has a real error to correct.
extension RamanSampleModel {
  /// Full width at half maximum of the spectrograph's line function, cm⁻¹.
  public static let instrumentLineWidth = 5.0

  /// Lamp photons per second at unit quantum efficiency for a line of NIST relative
  /// intensity 1 (NIST rates the strongest neon lines of the near infrared 300–800).
  public static let lampRatePerIntensity = 400.0

  /// The bands of a Raman standard as the emulation renders them: the reference positions with
  /// typical relative strengths (counts/s at unit QE) and natural widths.
  public static func standardBands(_ standard: ReferenceStandard) -> [RamanBand] {
    let strengths: [Double: Double]
    let natural: Double
    switch standard {
    case .silicon:
      return [RamanBand(centre: ReferenceStandard.siliconDefault, fwhm: 6.2, areaRate: 400_000)]
    case .polystyrene:
      natural = 4
      strengths = [
        620.9: 18, 795.8: 6, 1001.4: 100, 1031.8: 28, 1155.3: 14, 1450.5: 12, 1583.1: 12,
        1602.3: 36, 2852.4: 20, 2904.5: 40, 3054.3: 60,
      ]
    case .cyclohexane:
      natural = 4
      strengths = [801.3: 100, 1028.3: 40, 1266.4: 30, 1444.4: 35]
    case .calcite:
      natural = 3
      strengths = [281.3: 20, 711.9: 12, 1085.9: 100]
    case .paracetamol:
      natural = 4
      strengths = Dictionary(
        uniqueKeysWithValues: standard.allBands.map { ($0, $0 == 857.9 ? 100.0 : 25.0) })
    }
    let width = (natural * natural + instrumentLineWidth * instrumentLineWidth).squareRoot()
    return standard.allBands.map {
      RamanBand(centre: $0, fwhm: width, areaRate: 2_500 * (strengths[$0] ?? 5))
    }
  }

  /// Noise-free expected counts per pixel with `target` in the beam; `laserOn` excites a
  /// standard (and the glass of a lamp's envelope, which fluoresces).
  public func expectedCounts(for target: CalibrationTarget, laserOn: Bool) -> [Double] {
    let count = max(pixelCount, 0)
    guard count > 0 else { return [] }
    let coefficients = wavelengthCoefficients
    func wavelength(_ pixel: Double) -> Double {
      var value = 0.0
      for coefficient in coefficients.reversed() { value = value * pixel + coefficient }
      return value
    }
    let laser = 1e7 / excitationNanometres
    let time = max(integrationSeconds, 0)
    let sigma = Self.instrumentLineWidth / (8 * log(2.0)).squareRoot()
    var lines: [(wavenumber: Double, rate: Double)] = []
    var bands: [RamanBand] = []
    if let lamp = CalibrationLamp(rawValue: target.rawValue) {
      lines = lamp.lines.map {
        ($0.vacuumWavenumber, $0.relativeIntensity * Self.lampRatePerIntensity)
      }
    } else if let standard = ReferenceStandard(rawValue: target.rawValue), laserOn {
      bands = Self.standardBands(standard)
    }
    var expected = [Double](repeating: 0, count: count)
    for pixel in 0..<count {
      let lambda = wavelength(Double(pixel))
      let nu = 1e7 / lambda
      let width = abs(1e7 / wavelength(Double(pixel) - 0.5) - 1e7 / wavelength(Double(pixel) + 0.5))
      var density = 0.0
      for line in lines where abs(line.wavenumber - nu) < 12 * sigma {
        let z = (nu - line.wavenumber) / sigma
        density += line.rate * exp(-0.5 * z * z) / (sigma * (2 * Double.pi).squareRoot())
      }
      let shift = laser - nu
      for band in bands { density += band.density(atShift: shift, lorentzianFraction: 0.5) }
      if laserOn && target.isLamp { density += 0.5 * fluorescence(atShift: shift) }
      let signal = time * quantumEfficiency(atWavelength: lambda) * width * density
      expected[pixel] = baselineOffset + darkCurrent * time + signal
    }
    return expected
  }

  /// The plan of every spectrum of `target` (noise drawn per exposure by `counts(_:random:)`).
  public func spectrumPlan(for target: CalibrationTarget, laserOn: Bool) -> SpectrumPlan {
    let expected = expectedCounts(for: target, laserOn: laserOn)
    return SpectrumPlan(
      composition: RamanComposition(tissueStrength: 0, fluorescenceStrength: 0),
      expected: expected,
      samplers: expected.map { PoissonSampler(mean: max($0 - baselineOffset, 0)) })
  }
}
