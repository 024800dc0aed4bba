import ArgumentParser
import Detection
import Foundation
import WhitlockConfiguration
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl calibrate xrf STANDARD --certified "Mg=5.85,Ca=9.51" -o FILE`.
struct CalibrateXRFCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "xrf",
    abstract: "XRF relative sensitivity factors (X/Ca) from a certified standard.",
    discussion: """
      STANDARD is an XRF spectrum of a certified reference material in any format `analyze`
      reads (.msa, .spx, .mca, two-column keV text, a spool segment: its first XRF spectrum).
      It is analysed with the [detection.xrf] parameters of --config (or the defaults; --anode
      sets the tube anode whose L lines are fitted), and for every certified element with a
      significant area the factor (net area X / net area Ca) / (molar X / molar Ca) is derived.
      The factors are written as a [detection.xrf] table to FILE (TOML), with the fit settings
      they were derived with and a `calibration` name that every record analysed with them
      carries; `whitlockctl analyze --config FILE` uses them, and the same keys go into the
      daemon's configuration. Exit status 1 when the standard cannot be read or calibrated, 78
      when --config is invalid.
      """)

  @Argument(help: "The standard's spectrum file.") var standard: String
  @Option(help: "Certified mass fractions in wt %, e.g. \"Na=1.35,Mg=5.85,Ca=9.51\" (Ca required).")
  var certified: String
  @Option(name: .shortAndLong, help: "TOML file to write.") var output: String
  @Option(help: "Name of the standard, written into the calibration (default: the file name).")
  var name: String?
  @Option(help: "A whitlockd configuration whose [detection.xrf] parameters to use.")
  var config: String?
  @Option(help: "X-ray tube anode whose scattered L lines to fit (Mo, Rh, Pd, Ag, W).")
  var anode: String?

  func validate() throws {
    if let anode, !XRFLineLibrary.anodes.contains(anode) {
      throw ValidationError(
        "--anode must be one of \(XRFLineLibrary.anodes.joined(separator: ", "))")
    }
  }

  func run() throws {
    var settings = XRFPipelineSettings()
    if let config {
      do {
        settings = try ConfigurationLoader.load(path: config).detection.xrf
      } catch {
        FileHandle.standardError.write(Data("whitlockctl calibrate xrf: \(error)\n".utf8))
        throw ExitCode(78)
      }
    }
    if let anode { settings.anode = anode }
    // The factors replace any earlier calibration.
    settings.sensitivities = [:]
    settings.attenuationReference = nil
    settings.standardComposition = [:]
    settings.calibrationName = nil
    do {
      let values = try XRFStandardCalibration.parseCertified(certified)
      let spectra = try SpectrumInput.read(standard, kind: .xrf, excitation: nil)
      guard let spectrum = spectra.first(where: { $0.kind == .xrf }) else {
        throw SpectrumInputError("\(standard): no XRF spectrum")
      }
      let analyzer = OfflineAnalyzer(xrf: settings)
      guard let analysis = analyzer.xrfAnalysis(spectrum) else {
        throw SpectrumInputError("\(standard): not an XRF spectrum on an energy axis")
      }
      let fileName = URL(fileURLWithPath: standard).lastPathComponent
      let calibration = try XRFStandardCalibration(
        analysis: analysis, certified: values, significance: settings.elementSignificance)
      let text = calibration.toml(
        name: name ?? fileName, spectrum: fileName, certified: values, settings: settings)
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      } catch {
        throw SpectrumInputError("\(output): cannot be written (\(error.localizedDescription))")
      }
      for factor in calibration.factors {
        print(
          "\(factor.element)/Ca relative sensitivity "
            + String(format: "%.4g ± %.2g", factor.value, factor.sigma))
      }
      if let reference = calibration.scatterReference {
        print(
          "Rh L scatter reference (soft X-ray attenuation) " + String(format: "%.4g", reference))
      }
      for item in calibration.skipped {
        FileHandle.standardError.write(
          Data("whitlockctl calibrate xrf: \(item.element) left out: \(item.reason)\n".utf8))
      }
    } catch let error as SpectrumInputError {
      FileHandle.standardError.write(Data("whitlockctl calibrate xrf: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}
