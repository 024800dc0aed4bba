import WhitlockCore

/// The Raman detector's open-set checks (`open_set` in a Raman detection): whether its phosphate
/// pattern fits a known phase, a lone band near ν1, the bands left unexplained and the misfit.
/// Absent in records written before the checks existed.
public struct RamanOpenSet: Sendable, Equatable {
  /// One band no known phase explains.
  public struct ResidualBand: Sendable, Equatable {
    public var centreWavenumbers: Double?
    public var area: Double?
    public var significance: Double?
    /// Area over the crystalline ν1 area.
    public var share: Double?
  }

  /// The known phases' band pattern fits (no residual band, no lone band).
  public var patternFits: Bool
  /// A band near ν1 without the companions a phosphate has (not called a phosphate).
  public var loneBand: Bool
  /// Summed identifying-band share of ν1 and its σ.
  public var companionShare: Measured
  /// The phosphate window's reduced χ².
  public var phosphateMisfit: Double?
  /// The bands left unexplained, strongest evidence first as recorded.
  public var residualBands: [ResidualBand]

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    patternFits = try reader.boolean("pattern_fits")
    loneBand = try reader.boolean("lone_band")
    companionShare = try Measured(reader, "companion_share", sigma: "companion_share_sigma")
    phosphateMisfit = try reader.optionalNumber("phosphate_misfit_chi2")
    var bands: [ResidualBand] = []
    let items = reader.raw("residual_bands") == nil ? [] : try reader.array("residual_bands")
    for (index, item) in items.enumerated() {
      let band = MemberReader(
        value: item, path: reader.child("residual_bands[\(index)]"), location: reader.location,
        seq: reader.seq)
      guard case .object = item else {
        throw reader.failure("residual_bands[\(index)]", "expected an object")
      }
      bands.append(
        ResidualBand(
          centreWavenumbers: try band.optionalNumber("centre_cm1"),
          area: try band.optionalNumber("area"),
          significance: try band.optionalNumber("significance"),
          share: try band.optionalNumber("share")))
    }
    residualBands = bands
  }
}
