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
  init(order: Int, seq: UInt64, fusion: JSONValue) {
    self.order = order
    self.seq = seq
    whitlockite = fusion["whitlockite"]?.stringValue ?? ""
    ramanCall = fusion["raman_call"]?.stringValue ?? ""
    xrfCall = fusion["xrf_call"]?.stringValue ?? ""
    whitlockiteFraction = fusion["whitlockite_fraction"]?.doubleValue ?? .nan
    whitlockiteFractionSigma = fusion["whitlockite_fraction_sigma"]?.doubleValue ?? .nan
    mgCaRatio = fusion["mg_ca_ratio"]?.doubleValue ?? .nan
    mgCaRatioSigma = fusion["mg_ca_ratio_sigma"]?.doubleValue ?? .nan
  }
}
