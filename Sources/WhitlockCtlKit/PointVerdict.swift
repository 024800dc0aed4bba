import Records
import WhitlockCore

/// The latest fused whitlockite verdict of one measurement point, as the NeXus export keeps it
/// until the run's `point_verdicts` are written: only the values written, not the record's JSON.
struct PointVerdict {
  /// Order of the point's first verdict in the run.
  var order: Int
  /// Spool sequence number of the record that carried this verdict.
  var seq: UInt64
  /// `present`, `absent` or `indeterminate`.
  var whitlockite: String
  /// The Raman and XRF calls the verdict was fused from.
  var ramanCall: String
  var xrfCall: String
  /// Values and σ (NaN when the record has none).
  var whitlockiteFraction: Double
  var whitlockiteFractionSigma: Double
  var mgCaRatio: Double
  var mgCaRatioSigma: Double

  /// The verdict in a record's `detection.fusion` object.
  init(order: Int, seq: UInt64, fusion: FusedPoint) {
    self.order = order
    self.seq = seq
    whitlockite = fusion.whitlockite
    ramanCall = fusion.ramanCall
    xrfCall = fusion.xrfCall
    whitlockiteFraction = fusion.whitlockiteFraction.value ?? .nan
    whitlockiteFractionSigma = fusion.whitlockiteFraction.sigma ?? .nan
    mgCaRatio = fusion.mgCaRatio.value ?? .nan
    mgCaRatioSigma = fusion.mgCaRatio.sigma ?? .nan
  }
}
