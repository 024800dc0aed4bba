import Calibration
import InstrumentFamilies
import Testing
import WhitlockConfiguration

@Suite struct CalibrationFileTests {
  static func calibration() throws -> WavenumberCalibration {
    let instrument = SyntheticInstrument()
    return try AxisCalibrator.calibrate(
      lamp: instrument.neon(), silicon: instrument.silicon(), excitationNanometres: nil,
      created: "2026-12-07T17:00:00.000Z")
  }

  @Test func theWrittenTableIsAConfigurationThatGivesBackTheSameAxis() throws {
    let written = try Self.calibration()
    let loaded = try ConfigurationLoader.parse(written.tomlText, source: "cal.toml")
    let read = try #require(loaded.axisCalibration)
    #expect(read == written)
    #expect(read.id == written.id)
    #expect(read.shift(vendorShift: 1000) == written.shift(vendorShift: 1000))
  }

  @Test func aConfigurationWithoutTheTableHasNoCalibration() throws {
    #expect(try ConfigurationLoader.parse("", source: "empty.toml").axisCalibration == nil)
  }

  @Test func anEditedValueNoLongerMatchesItsID() throws {
    let text = try Self.calibration().tomlText.replacingOccurrences(
      of: "silicon_reference_cm1 = 520.45", with: "silicon_reference_cm1 = 521.0")
    do {
      _ = try ConfigurationLoader.parse(text, source: "cal.toml")
      Issue.record("an edited calibration was accepted")
    } catch {
      #expect(error.key == "calibration.axis.id")
      #expect(error.message.contains("was edited"))
      #expect(error.line == 4)
    }
  }

  @Test func aMissingCoefficientArrayIsNamed() throws {
    let text = try Self.calibration().tomlText.split(separator: "\n")
      .filter { !$0.hasPrefix("correction_cm1") }.joined(separator: "\n")
    do {
      _ = try ConfigurationLoader.parse(text, source: "cal.toml")
      Issue.record("a calibration without coefficients was accepted")
    } catch {
      #expect(error.key == "calibration.axis.correction_cm1")
      #expect(error.message == "required key is missing")
    }
  }

  @Test func anUnknownKeyIsRefused() throws {
    let text = try Self.calibration().tomlText + "silicon_referense = 1\n"
    #expect(throws: ConfigurationError.self) {
      try ConfigurationLoader.parse(text, source: "cal.toml")
    }
  }
}
