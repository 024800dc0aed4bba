import ArgumentParser
import Calibration
import Foundation
import WhitlockConfiguration
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl calibrate`: Raman-shift axis calibration from lamp and silicon spectra, checks
/// against reference standards, and XRF sensitivity factors from a certified standard.
struct CalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract:
      "Calibrate the Raman-shift axis (neon/argon lamp + silicon) and check it; derive XRF factors.",
    discussion: """
      Spectrum files: B&W Tek BWSpec/BWRam exports (the axis is taken from their coefs_a0…a3 and
      laser_wavelength) or two-column text (Raman shift in cm-1, intensity). See
      docs/calibration.md for the procedure. `calibrate xrf` derives relative sensitivity
      factors from a certified XRF standard (docs/xrf-quantification.md). `calibrate acquire`
      has the running daemon acquire the lamp and standards and apply the calibration.
      """,
    subcommands: [
      CalibrateAxisCommand.self, CalibrateCheckCommand.self, CalibrateIntensityCommand.self,
      CalibrateXRFCommand.self, CalibrateAcquireCommand.self,
    ])
}

/// `whitlockctl calibrate axis --neon FILE --silicon FILE -o CAL.toml`.
struct CalibrateAxisCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "axis",
    abstract: "Make an axis calibration from a lamp spectrum and a silicon spectrum.",
    discussion: """
      Writes a [calibration.axis] table that `whitlockctl analyze --config` and whitlockd's
      configuration accept. Exit status 1 when a file cannot be read or calibrated.
      """)

  @Option(help: "Neon lamp spectrum.") var neon: String?
  @Option(help: "Argon lamp spectrum (instead of --neon).") var argon: String?
  @Option(
    help: ArgumentHelp(
      "Silicon spectrum; repeat for several wafers or repeats.",
      discussion: "The laser is zeroed on the median of their band positions."))
  var silicon: [String]
  @Option(
    name: .customLong("excitation-nm"),
    help: "Laser wavelength (nm) the files' Raman shifts were computed with, when they do not say.")
  var excitationNanometres: Double?
  @Option(
    name: .customLong("silicon-cm1"),
    help: "The silicon band's true position (cm-1), recorded in the calibration.")
  var siliconReference: Double = ReferenceStandard.siliconDefault
  @Option(name: .shortAndLong, help: "The calibration file to write.") var output: String

  func validate() throws {
    if silicon.isEmpty { throw ValidationError("give at least one --silicon FILE") }
    if (neon == nil) == (argon == nil) {
      throw ValidationError("give one of --neon FILE or --argon FILE")
    }
    if let excitationNanometres, !(200...2000).contains(excitationNanometres) {
      throw ValidationError("--excitation-nm must be a wavelength between 200 and 2000 nm")
    }
    if !(500...540).contains(siliconReference) {
      throw ValidationError("--silicon-cm1 must lie between 500 and 540 cm-1")
    }
  }

  func run() throws {
    let lampKind: CalibrationLamp = neon != nil ? .neon : .argon
    do {
      let lamp = try VendorSpectrumReader.read(path: neon ?? argon ?? "")
      var siliconSpectra: [VendorSpectrum] = []
      for path in silicon { siliconSpectra.append(try VendorSpectrumReader.read(path: path)) }
      let calibration = try AxisCalibrator.calibrate(
        lamp: lamp, lampKind: lampKind, silicon: siliconSpectra,
        excitationNanometres: excitationNanometres, siliconReference: siliconReference,
        created: UTCTimestamp.string(from: Date()))
      try Data(calibration.tomlText.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      print(CalibrationRendering.summary(calibration, output: output))
    } catch {
      FileHandle.standardError.write(Data("whitlockctl calibrate axis: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}

/// `whitlockctl calibrate check --standard NAME FILE [--config CAL.toml] [--json]`.
struct CalibrateCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Measure a reference standard's bands: reference, measured, residual, RMS.",
    discussion: """
      Bands: polystyrene, cyclohexane and paracetamol from ASTM E1840; calcite 281.3, 711.9,
      1085.9 cm-1; silicon at the calibration's silicon value (520.45 cm-1 by default). Without
      --config the vendor axis is checked. Exit status 1 when the file cannot be read or no band
      is found; 78 when the configuration is invalid.
      """)

  @Option(help: "The reference standard the spectrum is of.") var standard: ReferenceStandard
  @Option(help: "A configuration file with a [calibration.axis] table (e.g. from calibrate axis).")
  var config: String?
  @Option(
    help: "An intensity correction (calibrate intensity) to apply to the standard's band areas.")
  var intensity: String?
  @Flag(help: "Print one JSON object instead of a table.") var json = false
  @Argument(help: "The standard's spectrum.") var file: String

  func run() throws {
    var calibration: WavenumberCalibration?
    if let config {
      do {
        calibration = try ConfigurationLoader.load(path: config).axisCalibration
      } catch {
        FileHandle.standardError.write(Data("whitlockctl calibrate check: \(error)\n".utf8))
        throw ExitCode(78)
      }
      if calibration == nil {
        FileHandle.standardError.write(
          Data("whitlockctl calibrate check: \(config) has no [calibration.axis] table\n".utf8))
        throw ExitCode(78)
      }
    }
    let spectrum: VendorSpectrum
    do { spectrum = try VendorSpectrumReader.read(path: file) } catch {
      FileHandle.standardError.write(Data("whitlockctl calibrate check: \(error)\n".utf8))
      throw ExitCode.failure
    }
    var response: IntensityCalibration?
    if let intensity {
      do { response = try ConfigurationLoader.loadIntensityCalibration(path: intensity) } catch {
        FileHandle.standardError.write(Data("whitlockctl calibrate check: \(error)\n".utf8))
        throw ExitCode(78)
      }
      if let response, response.axisCalibrationID != (calibration?.id ?? "") {
        let measuredOn =
          response.axisCalibrationID.isEmpty
          ? "the vendor axis" : "axis calibration " + response.axisCalibrationID
        let checkedOn = calibration.map { "axis calibration " + $0.id } ?? "the vendor axis"
        FileHandle.standardError.write(
          Data(
            ("whitlockctl calibrate check: \(intensity) was made on \(measuredOn), this check "
              + "is on \(checkedOn); use the same --config for both\n").utf8))
        throw ExitCode(78)
      }
    }
    let check = StandardCheck(standard: standard, spectrum: spectrum, calibration: calibration)
    let areas = BandIntensities(
      standard: standard, spectrum: spectrum, axis: calibration, response: response)
    print(
      json
        ? CalibrationRendering.json(
          check, calibration: calibration, intensities: areas, response: response)
        : CalibrationRendering.table(
          check, calibration: calibration, intensities: areas, response: response))
    if check.rms == nil { throw ExitCode.failure }
  }
}

extension ReferenceStandard: ExpressibleByArgument {}
