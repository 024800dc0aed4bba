/// A mineral phase the Raman detector can name, written into records by its raw value.
public enum MineralPhase: String, Sendable, Equatable, CaseIterable {
  /// Whitlockite (Mg-whitlockite, HPO₄-bearing): ν1 964–976 with the HPO₄ band ~923.
  case whitlockite
  /// Merrillite (H-free whitlockite-group phosphate): the resolved 960/976 ν1 doublet.
  case merrillite
  /// Apatite (hydroxy-, fluor-, carbonated): ν1 955–966 with the ν3 group 1030–1060.
  case apatite
  /// Crystalline phosphate ν1 without bands that tell apatite from whitlockite.
  case phosphateUndetermined = "phosphate-undetermined"
  /// Amorphous calcium phosphate: the broad band ~950.
  case acp
  /// Brushite (DCPD, HPO₄): ν1 985–991 with a band ~880.
  case brushite
  /// Calcium oxalate monohydrate (whewellite): C–C ~896, C–O 1463 + 1490.
  case oxalateMonohydrate = "oxalate-com"
  /// Calcium oxalate dihydrate (weddellite): C–C ~910, C–O 1476.
  case oxalateDihydrate = "oxalate-cod"
  /// Calcium oxalate whose hydrate the bands in range do not tell.
  case oxalate
  /// Calcite (carbonate ν1 ~1086) without phosphate.
  case calcite
  /// No calcification band.
  case none

  /// The group the phase belongs to: `whitlockite-group`, `apatite`, `oxalate`, or the phase.
  public var group: String {
    switch self {
    case .whitlockite, .merrillite: return "whitlockite-group"
    case .oxalateMonohydrate, .oxalateDihydrate, .oxalate: return "oxalate"
    default: return rawValue
    }
  }
}

/// The evidence for one phase: whether it is called present, the area of its identifying
/// band(s) with σ and significance, and the anchor band's centre. No arrays, so results stay
/// allocation-free.
public struct PhaseEvidence: Sendable, Equatable {
  /// The phase is called present.
  public var present = false
  /// Summed area of the identifying band(s), counts.
  public var area = Double.nan
  /// σ of `area`.
  public var areaSigma = Double.nan
  /// Centre of the anchor band, cm⁻¹.
  public var centre = Double.nan

  /// An empty (not looked for) entry.
  public init() {}

  /// Area over σ, or 0.
  public var significance: Double {
    guard area.isFinite, areaSigma.isFinite, areaSigma > 0 else { return 0 }
    return area / areaSigma
  }
}

/// The evidence for every phase the detector names.
public struct PhaseEvidenceSet: Sendable, Equatable {
  /// Whitlockite: HPO₄ band (~923).
  public var whitlockite = PhaseEvidence()
  /// Merrillite: the weaker half of the resolved ν1 doublet.
  public var merrillite = PhaseEvidence()
  /// Apatite: ν3 group (~1046).
  public var apatite = PhaseEvidence()
  /// Amorphous calcium phosphate: broad ν1 (~950).
  public var acp = PhaseEvidence()
  /// Brushite: ν1 (~988) and its ~880 companion.
  public var brushite = PhaseEvidence()
  /// Oxalate: C–C (~896–910) and C–O (1463/1476/1490) bands.
  public var oxalate = PhaseEvidence()
  /// Calcite: carbonate ν1 (~1086).
  public var calcite = PhaseEvidence()

  /// An empty set.
  public init() {}
}
