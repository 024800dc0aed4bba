import ArgumentParser
import Calibration
import Foundation
import WhitlockConfiguration
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl calibrate intensity --srm 2241 FILE [--config CAL.toml] -o RESPONSE.toml`.
struct CalibrateIntensityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "intensity",
    abstract: "Make a relative intensity-response correction from a NIST SRM spectrum.",
    discussion: """
      FILE is a spectrum of the SRM glass for the laser line (2241: 785 nm, 2242a: 532 nm,
      2245: 633 nm, 2246a: 830 nm), taken like the samples and dark-subtracted. Its emission is
      divided into the certificate's curve; the result, 1 at 1000 cm-1 and defined only where the
      certificate is, is written as a [calibration.intensity] table. With --config, the SRM is
      placed on that file's [calibration.axis] (then use the same calibration for the spectra it
      corrects). `calibrate check --intensity FILE` applies it to a standard's band areas.
      Exit status 1 when the file cannot be read or used; 78 when --config is invalid.
      """)

  @Option(help: "The SRM measured: 2241, 2242a, 2245 or 2246a.") var srm: IntensityStandard
  @Option(help: "A configuration file with the [calibration.axis] table to place the SRM on.")
  var config: String?
  @Option(
    name: .customLong("excitation-nm"),
    help: "Laser wavelength (nm) of the file's Raman shifts, when the file does not say.")
  var excitationNanometres: Double?
  @Option(name: .shortAndLong, help: "The correction file to write.") var output: String
  @Argument(help: "The SRM spectrum.") var file: String

  func run() throws {
    let axis: WavenumberCalibration?
    do {
      axis = try config.flatMap { path throws(ConfigurationError) in
        try ConfigurationLoader.load(path: path).axisCalibration
      }
    } catch {
      FileHandle.standardError.write(Data("whitlockctl calibrate intensity: \(error)\n".utf8))
      throw ExitCode(78)
    }
    if let config, axis == nil {
      FileHandle.standardError.write(
        Data("whitlockctl calibrate intensity: \(config) has no [calibration.axis] table\n".utf8))
      throw ExitCode(78)
    }
    do {
      let spectrum = try VendorSpectrumReader.read(path: file)
      let response = try IntensityCalibrator.calibrate(
        spectrum: spectrum, standard: srm, axis: axis,
        excitationNanometres: excitationNanometres, created: UTCTimestamp.string(from: Date()))
      try Data(response.tomlText.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      print(CalibrationRendering.summary(response, output: output))
    } catch {
      FileHandle.standardError.write(Data("whitlockctl calibrate intensity: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}

extension IntensityStandard: ExpressibleByArgument {
  public init?(argument: String) {
    let name = argument.lowercased()
    self.init(rawValue: name.hasPrefix("srm") ? name : "srm" + name)
  }

  public static var allValueStrings: [String] { allCases.map { String($0.rawValue.dropFirst(3)) } }
}
