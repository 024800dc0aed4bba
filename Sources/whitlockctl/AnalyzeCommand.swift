import ArgumentParser
import Calibration
import Foundation
import InstrumentFamilies
import WhitlockConfiguration
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl analyze`: the daemon's detection pipeline on stored spectra.
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Run the whitlockite detector on stored spectra (one JSON line per spectrum).",
    discussion: """
      Each FILE is a two-column text spectrum (x, intensity; separated by spaces, tabs, commas or
      semicolons, decimal commas where the separator is a tab or semicolon; RRUFF ##KEY=VALUE
      headers and # lines are skipped), an Amptek .mca file (XRF; UTF-8 or ISO-8859-1), an
      EMSA/MAS .msa file (ISO 22029) or a Bruker .spx file (XRF), a spool
      segment (every acquisition record is re-analysed) or a NeXus file written by
      `whitlockctl export --format nexus` (every spectrum, with the calibration and full scale it
      was recorded with, gives the spool's detection results). Raman x is the
      shift in cm-1, or the wavelength in nm with --excitation; XRF x is the energy in keV.
      With --config, the [detection.raman] and [detection.xrf] parameters of that whitlockd
      configuration file are used (re-analysis with new parameters), and with a
      [calibration.axis] table (`whitlockctl calibrate axis`) Raman spectra are analysed on the
      calibrated axis and each line names the calibration; with a [calibration.intensity] table
      (`whitlockctl calibrate intensity`, made on that axis) their intensities are corrected
      inside the certified range it covers before detection and each detection says so in
      `intensity_calibration`; every output line records
      the parameters it was computed with. B&W Tek exports are read too. Exit status 1 when a file could not be read or parsed
      (the others are still analysed); 78 when the configuration is invalid.
      """)

  @Option(help: "Spectrum kind for text files (raman|xrf); for spool files, only this kind.")
  var kind: InstrumentKind?
  @Option(help: "Laser wavelength in nm: the text file's x column is wavelength in nm.")
  var excitation: Double?
  @Option(help: "A whitlockd configuration file whose [detection.*] parameters to use.")
  var config: String?
  @Argument(help: "Spectrum files or spool segments.") var files: [String]

  func validate() throws {
    if let excitation, !(excitation > 0 && excitation < 10_000) {
      throw ValidationError("--excitation must be a wavelength in nm between 0 and 10000")
    }
    if excitation != nil, kind == .xrf {
      throw ValidationError("--excitation applies to Raman spectra only")
    }
    if files.isEmpty { throw ValidationError("give at least one FILE") }
  }

  func run() throws {
    var detection = DetectionConfiguration()
    var calibration: WavenumberCalibration?
    var intensity: IntensityCalibration?
    if let config {
      do {
        let loaded = try ConfigurationLoader.load(path: config)
        detection = loaded.detection
        calibration = loaded.axisCalibration
        intensity = loaded.intensityCalibration
      } catch {
        FileHandle.standardError.write(Data("whitlockctl analyze: \(error)\n".utf8))
        throw ExitCode(78)
      }
    }
    let analyzer = OfflineAnalyzer(
      raman: detection.raman, xrf: detection.xrf, calibration: calibration, intensity: intensity)
    var failed = false
    for file in files {
      do {
        if NeXusInput.isHDF5(path: file) {
          try NeXusInput.forEachSpectrum(path: file, kind: kind) { print(analyzer.line($0)) }
          continue
        }
        let spectra = try SpectrumInput.read(file, kind: kind, excitation: excitation)
        for spectrum in spectra { print(analyzer.line(spectrum)) }
      } catch {
        failed = true
        FileHandle.standardError.write(Data("whitlockctl analyze: \(error)\n".utf8))
      }
    }
    if failed { throw ExitCode.failure }
  }
}

extension InstrumentKind: ExpressibleByArgument {}
