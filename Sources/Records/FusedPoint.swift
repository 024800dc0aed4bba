import WhitlockCore

/// The fused whitlockite verdict of a measurement point that an acquisition's `detection.fusion`
/// carries (Raman and XRF combined by `PointFusion`).
public struct FusedPoint: Sendable, Equatable {
  public var pointID: String
  /// `present`, `absent` or `indeterminate`.
  public var whitlockite: String
  /// The Raman and XRF calls the verdict was fused from.
  public var ramanCall: String
  public var xrfCall: String
  public var whitlockiteFraction: Measured
  public var mgCaRatio: Measured
  /// The rule in words, and its thresholds (free-form: they follow the configuration).
  public var rule: String?
  public var thresholds: JSONValue?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    pointID = try reader.string("point_id")
    whitlockite = try reader.string("whitlockite")
    ramanCall = try reader.string("raman_call")
    xrfCall = try reader.string("xrf_call")
    whitlockiteFraction = try Measured(
      reader, "whitlockite_fraction", sigma: "whitlockite_fraction_sigma")
    mgCaRatio = try Measured(reader, "mg_ca_ratio", sigma: "mg_ca_ratio_sigma")
    rule = try reader.optionalString("rule")
    thresholds = reader.raw("thresholds")
  }
}
