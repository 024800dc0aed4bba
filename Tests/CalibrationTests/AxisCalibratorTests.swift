import Calibration
import Foundation
import Testing

@Suite struct AxisCalibratorTests {
  @Test func airWavelengthsBecomeVacuumWavenumbers() {
    // The He–Ne line: 632.816 nm in air is 632.991 nm in vacuum, 15 798.0 cm⁻¹.
    let sigma = AirRefraction.vacuumWavenumber(airNanometres: 632.816)
    #expect(abs(1e7 / sigma - 632.9908) < 0.0005)
    #expect(abs(AirRefraction.refractivity(sigmaPerMicrometre: 1.58) - 2.765e-4) < 2e-6)
  }

  @Test func bandFitFindsSubPixelCentreOfOverlappingBands() throws {
    let x = (0..<400).map { 1500 + Double($0) * 0.5 }
    let y = x.map {
      40 + 0.1 * ($0 - 1590) + 300 * BandFitterProbe.voigt($0, 1583.1, 7)
        + 900 * BandFitterProbe.voigt($0, 1602.3, 8)
    }
    let bands = try #require(
      BandMeasurement.measure(x: x, y: y, references: [1583.1, 1602.3]) as [Double?]?)
    #expect(abs((bands[0] ?? 0) - 1583.1) < 0.02)
    #expect(abs((bands[1] ?? 0) - 1602.3) < 0.02)
  }

  /// Three silicon spectra, one of them misplaced by 2 cm⁻¹ (a wafer out of focus, a bad
  /// spot): the laser follows the median, not the outlier and not the mean.
  @Test func severalSiliconSpectraZeroTheLaserOnTheirMedian() throws {
    let instrument = SyntheticInstrument()
    let silicons = [
      instrument.silicon(), instrument.silicon(reference: 522.45), instrument.silicon(),
    ]
    let median = try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: silicons, excitationNanometres: nil, created: "t")
    let single = try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: instrument.silicon(), excitationNanometres: nil,
      created: "t")
    #expect(abs(median.laserWavenumber - single.laserWavenumber) < 0.01)
    #expect(median.siliconFile == "si.txt, si.txt, si.txt")
    let outlier = try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: [instrument.silicon(reference: 522.45)],
      excitationNanometres: nil, created: "t")
    #expect(abs(outlier.laserWavenumber - single.laserWavenumber) > 1.5)
  }

  @Test func recoversAKnownAxisErrorAndLaserFromNeonAndSilicon() throws {
    let instrument = SyntheticInstrument()
    let calibration = try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: instrument.silicon(), excitationNanometres: nil,
      created: "2026-01-01T00:00:00.000Z")
    #expect(calibration.linesMatched >= 15)
    #expect(calibration.lineFitRMS < 0.1)
    #expect(abs(calibration.excitationNanometres - instrument.trueLaser) < 0.002)
    var worst = 0.0
    for p in stride(from: 100, to: 1900, by: 50) {
      let calibrated = calibration.shift(
        vendorShift: instrument.vendorShift(Double(p)), vendorExcitationNanometres: 785)
      worst = max(worst, abs(calibrated - instrument.trueShift(Double(p))))
    }
    // The vendor axis is several cm⁻¹ off; the calibrated one within a tenth.
    #expect(abs(instrument.vendorShift(1000) - instrument.trueShift(1000)) > 3)
    #expect(worst < 0.1)
  }

  @Test func siliconValueIsConfigurableAndRecorded() throws {
    let instrument = SyntheticInstrument()
    let calibration = try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: instrument.silicon(reference: 521.0),
      excitationNanometres: nil, siliconReference: 521.0, created: "2026-01-01T00:00:00.000Z")
    #expect(calibration.siliconReference == 521.0)
    #expect(calibration.tomlText.contains("silicon_reference_cm1 = 521.0"))
    #expect(abs(calibration.excitationNanometres - instrument.trueLaser) < 0.002)
  }

  @Test func aSpectrumWithoutLinesIsRefusedNamingTheFile() {
    let flat = VendorSpectrum(
      source: "dark.txt", shifts: (0..<500).map { Double($0) * 4 },
      intensities: (0..<500).map { 100 + Double($0 % 3) }, statedExcitationNanometres: 785)
    let silicon = SyntheticInstrument().silicon()
    #expect(throws: CalibrationError.self) {
      try AxisCalibrator.calibrate(
        lamp: flat, silicon: silicon, excitationNanometres: nil, created: "x")
    }
    do {
      _ = try AxisCalibrator.calibrate(
        lamp: flat, silicon: silicon, excitationNanometres: nil, created: "x")
    } catch {
      #expect(error.description.hasPrefix("dark.txt: only"))
    }
  }

  @Test func shiftsWithoutALaserWavelengthAskForOne() {
    var neon = SyntheticInstrument().neon()
    neon.statedExcitationNanometres = nil
    do {
      _ = try AxisCalibrator.calibrate(
        lamp: neon, silicon: SyntheticInstrument().silicon(), excitationNanometres: nil,
        created: "x")
      Issue.record("calibrated without a laser wavelength")
    } catch {
      #expect(error.description.contains("--excitation-nm"))
    }
  }

  @Test func siliconWithoutItsBandIsRefused() {
    let instrument = SyntheticInstrument()
    let blank = instrument.spectrum(source: "blank.txt", peaks: [], sigma: 2, seed: 3)
    do {
      _ = try AxisCalibrator.calibrate(
        lamp: instrument.neon(), silicon: blank, excitationNanometres: nil, created: "x")
      Issue.record("calibrated on a silicon spectrum without its band")
    } catch {
      #expect(error.file == "blank.txt")
      #expect(error.message.contains("no silicon band"))
    }
  }
}

enum BandFitterProbe {
  static func voigt(_ x: Double, _ centre: Double, _ width: Double) -> Double {
    let t = (x - centre) / width
    return 0.5 / (1 + 4 * t * t) + 0.5 * exp(-4 * log(2) * t * t)
  }
}
