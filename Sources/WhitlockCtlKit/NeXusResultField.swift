import WhitlockCore

/// One per-acquisition detection result written as a NeXus field: where it is in the record's
/// `detection` object, its field name, and its units.
struct NeXusResultField: Sendable {
  /// How the value is stored.
  enum Storage: Sendable {
    /// A float64 (NaN when missing or null).
    case number
    /// An int8: 1 true, 0 false, -1 missing.
    case flag
    /// A UTF-8 string ("" when missing).
    case text
    /// An array of strings joined by commas (the quality flags).
    case list
  }

  /// Path of members from `detection`.
  var path: [String]
  /// NeXus field name (uncertainties end in `_errors`, the NeXus convention).
  var name: String
  /// Units attribute, when the quantity has a unit.
  var units: String? = nil
  var storage: Storage = .number

  /// The value in `detection`, if present.
  func value(in detection: JSONValue?) -> JSONValue? {
    var current = detection
    for key in path { current = current?[key] }
    return current
  }

  static func number(_ key: String, _ name: String? = nil, units: String? = nil)
    -> NeXusResultField
  {
    NeXusResultField(path: [key], name: name ?? key, units: units)
  }

  /// The fused verdict of the acquisition's point, when the daemon fused.
  static let fusion: [NeXusResultField] = [
    NeXusResultField(path: ["fusion", "point_id"], name: "point_id", storage: .text),
    NeXusResultField(path: ["fusion", "whitlockite"], name: "point_verdict", storage: .text),
    NeXusResultField(path: ["fusion", "raman_call"], name: "point_raman_call", storage: .text),
    NeXusResultField(path: ["fusion", "xrf_call"], name: "point_xrf_call", storage: .text),
  ]

  /// Raman results: the first is the plotted signal, the second its uncertainty.
  static let raman: [NeXusResultField] =
    [
      .number("whitlockite_fraction"),
      .number("whitlockite_fraction_sigma", "whitlockite_fraction_errors"),
      NeXusResultField(path: ["calcification_type"], name: "calcification_type", storage: .text),
      NeXusResultField(path: ["phosphate_detected"], name: "phosphate_detected", storage: .flag),
      NeXusResultField(path: ["carbonate_detected"], name: "carbonate_detected", storage: .flag),
      NeXusResultField(path: ["oxalate_detected"], name: "oxalate_detected", storage: .flag),
      .number("phosphate_area"), .number("phosphate_area_sigma", "phosphate_area_errors"),
      .number("phosphate_significance"),
      .number("phosphate_centre_cm1", "phosphate_centre", units: "1/cm"),
      .number("crystallinity_fwhm_cm1", "crystallinity_fwhm", units: "1/cm"),
      .number("crystallinity_fwhm_sigma_cm1", "crystallinity_fwhm_errors", units: "1/cm"),
      .number("carbonate_phosphate_ratio"),
      .number("carbonate_phosphate_ratio_sigma", "carbonate_phosphate_ratio_errors"),
      .number("oxalate_area"), .number("oxalate_area_sigma", "oxalate_area_errors"),
      NeXusResultField(path: ["flags"], name: "flags", storage: .list),
    ] + fusion

  /// XRF results: the first is the plotted signal, the second its uncertainty.
  static let xrf: [NeXusResultField] =
    [
      .number("mg_ca_ratio"), .number("mg_ca_ratio_sigma", "mg_ca_ratio_errors"),
      .number("mg_net_area", units: "counts"),
      .number("mg_net_area_sigma", "mg_net_area_errors", units: "counts"),
      .number("ca_net_area", units: "counts"),
      .number("ca_net_area_sigma", "ca_net_area_errors", units: "counts"),
      .number("p_net_area", units: "counts"),
      .number("p_net_area_sigma", "p_net_area_errors", units: "counts"),
      .number("ca_kb_net_area", units: "counts"),
      .number("ca_energy_offset_kev", "ca_energy_offset", units: "keV"),
      .number("reduced_chi_square"),
      NeXusResultField(path: ["flags"], name: "flags", storage: .list),
    ] + fusion

  /// The fields for an instrument kind.
  static func fields(for kind: InstrumentKind) -> [NeXusResultField] {
    kind == .raman ? raman : xrf
  }
}
