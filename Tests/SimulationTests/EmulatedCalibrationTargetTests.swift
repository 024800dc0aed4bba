import Calibration
import SampleModels
import Simulation
import Testing
import WhitlockCore

/// The emulated spectrometers' calibration targets: a stored axis deliberately off the true
/// one, a neon lamp rendered from the NIST lines through the true axis, and standards from their
/// reference bands, so the offline calibrator recovers the true axis from the emulation.
@Suite struct EmulatedCalibrationTargetTests {
  private static let error = EmulatedAxisError(shiftCm1: 6, laserNanometres: 0.12)

  private func source() -> EmulatedRamanSource {
    EmulatedRamanSource(
      seed: 7, pixelCount: 1024, fullScale: 65535, darkPixels: [], excitationNanometres: 785,
      acquisitionsPerPoint: 5, axisError: Self.error)
  }

  private func spectrum(
    _ source: inout EmulatedRamanSource, _ target: CalibrationTarget,
    seconds: Double, laserOn: Bool
  ) -> VendorSpectrum {
    source.target = target
    let counts = source.spectrum(integrationSeconds: seconds, illuminated: laserOn)
    let stored = AxisCalibration.wavelengthPolynomial(
      coefficients: source.wavelengthCoefficients, excitationNanometres: 785)
    return VendorSpectrum(
      source: target.rawValue,
      shifts: counts.indices.map { stored.axisValue(atChannel: Double($0)) },
      intensities: counts.map(Double.init), statedExcitationNanometres: 785)
  }

  @Test func theStoredAxisIsOffByTheConfiguredErrorAndTheStatedLaser() {
    let source = source()
    let stored = AxisCalibration.wavelengthPolynomial(
      coefficients: source.wavelengthCoefficients, excitationNanometres: 785)
    let laser = 1e7 / 785 - 1e7 / 785.12
    let first = stored.axisValue(atChannel: 0) - source.trueAxis.axisValue(atChannel: 0)
    let last = stored.axisValue(atChannel: 1023) - source.trueAxis.axisValue(atChannel: 1023)
    #expect(abs(first - (6 + laser)) < 0.01, "\(first)")
    #expect(abs(last - (3 + laser)) < 0.01, "\(last)")
    #expect(source.wavelengthCoefficients != source.trueWavelengthCoefficients)
    #expect(
      EmulatedRamanSource(
        seed: 7, pixelCount: 1024, fullScale: 65535, darkPixels: [], excitationNanometres: 785,
        acquisitionsPerPoint: 5
      ).wavelengthCoefficients
        == RamanSampleModel.defaultWavelengthCoefficients(pixelCount: 1024),
      "exact by default")
  }

  @Test func aStandardNeedsTheLaserAndTheLampShinesWithoutIt() {
    var source = source()
    let dark = spectrum(&source, .silicon, seconds: 0.5, laserOn: false)
    #expect((dark.intensities.max() ?? 0) < 1000, "silicon without the laser: offset and dark only")
    let lit = spectrum(&source, .silicon, seconds: 0.5, laserOn: true)
    #expect((lit.intensities.max() ?? 0) > 10_000)
    let lamp = spectrum(&source, .neon, seconds: 0.3, laserOn: false)
    #expect((lamp.intensities.max() ?? 0) > 10_000, "the lamp shines with the laser off")
    #expect(source.latestTruth?["calibration_target"] == .string("neon"))
  }

  @Test func theOfflineCalibratorRecoversTheTrueAxisFromTheEmulatedLampAndSilicon() throws {
    var source = source()
    let lamp = spectrum(&source, .neon, seconds: 0.4, laserOn: false)
    let silicon = spectrum(&source, .silicon, seconds: 0.5, laserOn: true)
    let polystyrene = spectrum(&source, .polystyrene, seconds: 1, laserOn: true)
    let calibration = try AxisCalibrator.calibrate(
      lamp: lamp, silicon: silicon, excitationNanometres: nil, created: "2026-12-07T00:00:00.000Z")
    #expect(calibration.linesMatched >= 10)
    let stored = AxisCalibration.wavelengthPolynomial(
      coefficients: source.wavelengthCoefficients, excitationNanometres: 785)
    var worst = 0.0
    for pixel in stride(from: 0.0, through: 1023, by: 7) {
      let vendor = try #require(stored.wavelength(atPixel: pixel))
      worst = max(
        worst,
        abs(
          calibration.shift(vendorWavelengthNanometres: vendor)
            - source.trueAxis.axisValue(atChannel: pixel)))
    }
    #expect(worst < 0.5, "calibrated axis within \(worst) cm⁻¹ of the truth")
    let before = try #require(
      StandardCheck(standard: .polystyrene, spectrum: polystyrene, calibration: nil).rms)
    let after = try #require(
      StandardCheck(standard: .polystyrene, spectrum: polystyrene, calibration: calibration).rms)
    #expect(before > 3 && after < 0.5, "polystyrene RMS \(before) → \(after) cm⁻¹")
  }
}
