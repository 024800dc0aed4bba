import Calibration
import Detection

extension WavenumberCalibration {
  /// What the Raman detector knows about an axis this calibration gives: calibrated, with the
  /// calibration's lamp-line RMS as its scatter (`RamanPhaseRules.offsetTolerance(for:)` turns
  /// it into the axis offset tolerated).
  public var axisAccuracy: RamanAxisAccuracy { .calibrated(lineResidual: lineFitRMS) }
}
