import Calibration
import Foundation
import InstrumentFamilies
import TestSupport
import Testing
import WhitlockConfiguration

/// The intensity-response correction: the certificates' curves, the correction recovered from a
/// synthetic SRM spectrum whose response is known, its table, and the refusals.
@Suite struct IntensityCalibrationTests {
  /// Values of the certificate curves at three shifts each, computed independently from the
  /// certificates' equations (Python, double precision).
  static let certificateValues: [(IntensityStandard, Double, Double)] = [
    (.srm2241, 200, 0.142087188), (.srm2241, 1000, 0.396708), (.srm2241, 3000, 0.980601600),
    (.srm2242a, 200, 0.061689302), (.srm2242a, 1000, 0.259164201),
    (.srm2242a, 3000, 0.998958697),
    (.srm2245, 200, 0.071597066), (.srm2245, 1000, 0.424910889), (.srm2245, 3000, 0.365623391),
    (.srm2246a, 200, 0.254248331), (.srm2246a, 1000, 0.583738804),
    (.srm2246a, 2900, 0.914362131),
  ]

  @Test(arguments: certificateValues)
  func theCertificateCurvesGiveTheirTabulatedValues(
    standard: IntensityStandard, shift: Double, expected: Double
  ) {
    #expect(abs(standard.relativeIntensity(atShift: shift) - expected) < 1e-8)
  }

  /// An instrument response that falls towards high shift, as a CCD's does in the near IR.
  static func response(_ shift: Double) -> Double { 1.6 - 0.0004 * shift + 0.05 * sin(shift / 300) }

  /// The SRM 2241 glass as that instrument records it (counts, with a dark level removed and
  /// a little noise), every 1.7 cm⁻¹ from 100 to 3300 cm⁻¹.
  static func syntheticSRM(scale: Double = 30_000, spike: Bool = false) -> VendorSpectrum {
    var random = SplitMix(seed: 7)
    let shifts = stride(from: 100.0, through: 3300, by: 1.7).map { $0 }
    var intensities = shifts.map { shift in
      scale * IntensityStandard.srm2241.relativeIntensity(atShift: shift) * response(shift)
        + random.normal() * 20
    }
    if spike { intensities[900] += 40_000 }
    return VendorSpectrum(
      source: "srm.txt", shifts: shifts, intensities: intensities,
      statedExcitationNanometres: 785)
  }

  @Test func theCorrectionUndoesAKnownResponse() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(spike: true), standard: .srm2241, axis: nil, created: "t")
    #expect(made.range.lowerBound >= 200)
    #expect(made.range.upperBound <= 3300)
    #expect(made.factor(atShift: 1000).map { abs($0 - 1) < 1e-9 } == true)
    // factor × response is constant: a corrected spectrum has the certificate's shape.
    let reference = Self.response(1000)
    for shift in stride(from: 250.0, through: 3200, by: 50) {
      let factor = try #require(made.factor(atShift: shift))
      #expect(abs(factor * Self.response(shift) / reference - 1) < 0.01, "at \(shift) cm-1")
    }
    #expect(made.factor(atShift: 150) == nil)
    #expect(made.factor(atShift: 3400) == nil)
  }

  @Test func theTableIsReadBackAsTheSameCorrection() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil,
      created: "2026-12-07T20:00:00.000Z")
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("resp-\(UUID().uuidString).toml").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try made.tomlText.write(toFile: path, atomically: true, encoding: .utf8)
    let read = try ConfigurationLoader.loadIntensityCalibration(path: path)
    #expect(read == made)
    #expect(read.id == made.id)
  }

  @Test func anEditedFactorIsRefused() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let edited = made.tomlText.replacingOccurrences(
      of: "first_shift_cm1 = \(made.firstShift)", with: "first_shift_cm1 = \(made.firstShift + 5)")
    #expect(edited != made.tomlText)
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("resp-\(UUID().uuidString).toml").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      _ = try ConfigurationLoader.loadIntensityCalibration(path: path)
    } throws: { error in
      let error = error as? ConfigurationError
      return error?.key == "calibration.intensity.id" && error?.message.contains("edited") == true
    }
  }

  @Test func theDaemonConfigurationAcceptsTheTableOnItsAxis() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let vendor = try ConfigurationLoader.parse(made.tomlText, source: "whitlockd.toml")
    #expect(vendor.intensityCalibration == made)
    #expect(vendor.axisCalibration == nil)

    let axis = try CalibrationFileTests.calibration()
    let onAxis = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: axis, created: "t")
    let both = try ConfigurationLoader.parse(
      axis.tomlText + "\n" + onAxis.tomlText, source: "whitlockd.toml")
    #expect(both.axisCalibration == axis)
    #expect(both.intensityCalibration == onAxis)
    #expect(both.intensityCalibration?.axisCalibrationID == axis.id)
  }

  @Test func aTableMadeOnAnotherAxisIsRefusedNamingBoth() throws {
    let axis = try CalibrationFileTests.calibration()
    let vendor = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let onAxis = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: axis, created: "t")
    // Made on the vendor axis, configured beside an axis calibration.
    do {
      _ = try ConfigurationLoader.parse(
        axis.tomlText + "\n" + vendor.tomlText, source: "whitlockd.toml")
      Issue.record("a correction made on the vendor axis was accepted beside \(axis.id)")
    } catch {
      #expect(error.key == "calibration.intensity.axis_calibration")
      #expect(error.message.contains("vendor axis"), "\(error.message)")
      #expect(error.message.contains(axis.id), "\(error.message)")
    }
    // Made on an axis calibration, configured without it.
    do {
      _ = try ConfigurationLoader.parse(onAxis.tomlText, source: "whitlockd.toml")
      Issue.record("a correction made on \(axis.id) was accepted on the vendor axis")
    } catch {
      #expect(error.key == "calibration.intensity.axis_calibration")
      #expect(error.message.contains(axis.id), "\(error.message)")
      #expect(error.message.contains("no [calibration.axis]"), "\(error.message)")
      #expect(error.file == "whitlockd.toml")
      #expect(error.line > 0)
    }
  }

  /// A table with `edit` applied to its text, loaded as a whitlockd configuration.
  static func refusal(_ edit: (String) -> String) throws -> ConfigurationError? {
    let made = try IntensityCalibrator.calibrate(
      spectrum: syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let text = edit(made.tomlText)
    #expect(text != made.tomlText, "the edit changed nothing")
    do {
      _ = try ConfigurationLoader.parse(text, source: "whitlockd.toml")
      return nil
    } catch {
      return error
    }
  }

  /// The factors' array with its element at `index` replaced by `value` (TOML text).
  static func replacingFactor(_ index: Int, with value: String) -> (String) -> String {
    { text in
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let first = lines.firstIndex { $0.hasPrefix("factors = [") }! + 1
      var rows = lines
      var row = rows[first + index / 8].split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      row[index % 8] = value
      rows[first + index / 8] = "  " + row.joined(separator: ", ") + ","
      return rows.joined(separator: "\n")
    }
  }

  @Test(arguments: ["inf", "nan", "-inf", "0.0", "-0.5"])
  func aFactorThatIsNotFiniteAndPositiveIsRefusedNamingTheKey(value: String) throws {
    let error = try #require(try Self.refusal(Self.replacingFactor(3, with: value)))
    #expect(error.key == "calibration.intensity.factors")
    #expect(error.message.contains("element 3"), "\(error.message)")
    #expect(error.message.contains("finite and > 0"), "\(error.message)")
  }

  @Test func aFactorThatIsNotANumberIsRefusedNamingTheKey() throws {
    let error = try #require(try Self.refusal(Self.replacingFactor(2, with: "\"x\"")))
    #expect(error.key == "calibration.intensity.factors")
    #expect(error.message.contains("element 2 is a string"), "\(error.message)")
  }

  @Test func nodesOffTheGridAreRefusedNamingTheKey() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let error = try #require(
      try Self.refusal {
        $0.replacingOccurrences(
          of: "first_shift_cm1 = \(made.firstShift)",
          with: "first_shift_cm1 = \(made.firstShift + 2)")
      })
    #expect(error.key == "calibration.intensity.first_shift_cm1")
    #expect(error.message.contains("not on the 5.0 cm-1 grid"), "\(error.message)")
  }

  @Test func aTableNotNormalisedAt1000IsRefusedNamingTheKey() throws {
    let made = try IntensityCalibrator.calibrate(
      spectrum: Self.syntheticSRM(), standard: .srm2241, axis: nil, created: "t")
    let reference = Int(((1000 - made.firstShift) / made.step).rounded())
    var scaled = made
    scaled.factors[reference] = 1.5
    // Its id recomputed, so only the normalisation is wrong.
    let error = try #require(try Self.refusal { _ in scaled.tomlText })
    #expect(error.key == "calibration.intensity.factors")
    #expect(error.message.contains("normalised to 1"), "\(error.message)")
  }

  @Test func aSpectrumOfAnotherLaserLineIsRefused() {
    var spectrum = Self.syntheticSRM()
    spectrum.statedExcitationNanometres = 532
    #expect(
      throws: IntensityCalibrationError.excitationMismatch(
        file: "srm.txt", spectrumNanometres: 532, standard: .srm2241)
    ) {
      _ = try IntensityCalibrator.calibrate(
        spectrum: spectrum, standard: .srm2241, axis: nil, created: "t")
    }
  }

  @Test func aWeakStandardIsRefusedWithWhereItIsTooWeak() {
    var spectrum = Self.syntheticSRM(scale: 100)
    spectrum.source = "weak.txt"
    do {
      _ = try IntensityCalibrator.calibrate(
        spectrum: spectrum, standard: .srm2241, axis: nil, created: "t")
      Issue.record("a standard at the noise level was accepted")
    } catch {
      guard case .tooWeak(let file, _, _, _) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(file == "weak.txt")
      #expect(error.description.contains("expose longer"))
    }
  }

  @Test func aSpectrumOutsideTheCertifiedRangeIsRefused() {
    let shifts = stride(from: 3400.0, through: 4500, by: 2).map { $0 }
    let spectrum = VendorSpectrum(
      source: "high.txt", shifts: shifts, intensities: shifts.map { _ in 1000 },
      statedExcitationNanometres: 785)
    #expect(
      throws: IntensityCalibrationError.tooLittleOverlap(
        file: "high.txt", measured: 3400...4500, standard: .srm2241)
    ) {
      _ = try IntensityCalibrator.calibrate(
        spectrum: spectrum, standard: .srm2241, axis: nil, created: "t")
    }
  }

  @Test func bandAreasOfAPseudoVoigtAreItsIntegral() {
    let band = FittedBand(centre: 1000, width: 8, height: 50, lorentzianFraction: 0.3)
    var integral = 0.0
    let step = 0.01
    for x in stride(from: 0.0, through: 2000, by: step) {
      let t = (x - 1000) / 8
      let profile = 0.3 / (1 + 4 * t * t) + 0.7 * exp(-4 * log(2.0) * t * t)
      integral += 50 * profile * step
    }
    #expect(abs(band.area - integral) / integral < 2e-3)
  }
}

/// A small deterministic generator for synthetic noise.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
  mutating func normal() -> Double {
    let u = max(uniform(), 1e-300)
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
  }
}
