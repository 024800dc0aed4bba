import Calibration
import WhitlockCore

/// Turns one acquisition into the `detection` object of its record.
///
/// An analyzer keeps scratch buffers between calls, so each instrument session owns its own and
/// uses it from one task only.
public protocol SpectrumAnalyzer {
  /// The detection result for `acquisition`; never throws: problems become quality flags.
  mutating func analyze(_ acquisition: Acquisition) -> JSONValue
  /// Analyses the spectra from now on on `calibration`'s axis (one acquired online); analyzers
  /// without a wavenumber axis ignore it. A configured intensity correction made on another
  /// axis is no longer applied, and every later result says so.
  mutating func useAxisCalibration(_ calibration: WavenumberCalibration)
}

extension SpectrumAnalyzer {
  public mutating func useAxisCalibration(_ calibration: WavenumberCalibration) {}
}

/// Makes a fresh analyzer for an instrument session.
public typealias SpectrumAnalyzerFactory = @Sendable () -> any SpectrumAnalyzer
