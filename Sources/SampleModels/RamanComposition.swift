/// The true make-up of one simulated Raman measurement point.
///
/// This is the ground truth a detector is scored against; it is written into every simulated
/// acquisition as `simulation_truth`.
public struct RamanComposition: Sendable, Equatable {
  /// Which kind of microcalcification, if any, sits under the probe.
  public enum Calcification: String, Sendable, CaseIterable {
    /// Soft tissue only.
    case none
    /// Type I: calcium oxalate (whewellite and/or weddellite).
    case oxalate
    /// Type II: calcium phosphate (apatite, whitlockite, amorphous calcium phosphate).
    case phosphate
  }

  /// The calcification type.
  public var calcification: Calcification
  /// Strength of the crystalline phosphate ν1 bands (HAP 961 + whitlockite 970) relative to the
  /// model's `phosphateAreaRate`; 1 is a typical dense calcification. Used only for `.phosphate`.
  public var phosphateStrength: Double
  /// Whitlockite fraction as an area fraction A970 / (A961 + A970), in [0, 1].
  public var whitlockiteFraction: Double
  /// Area of the amorphous calcium phosphate band (~950 cm⁻¹) relative to the crystalline ν1
  /// area. Not part of the whitlockite fraction.
  public var acpAmount: Double
  /// Area of the B-type carbonate band (~1070 cm⁻¹) relative to the crystalline ν1 area.
  public var carbonateAmount: Double
  /// Strength of the oxalate bands relative to the model's `oxalateAreaRate`. Used only for
  /// `.oxalate`.
  public var oxalateStrength: Double
  /// Fraction of the oxalate that is the dihydrate (weddellite, 1476 cm⁻¹) rather than the
  /// monohydrate (whewellite, 1463 + 1490 cm⁻¹).
  public var oxalateDihydrateFraction: Double
  /// Scale of the soft-tissue bands (1003, ~1300, 1445, 1655, 1745 cm⁻¹); 1 is typical.
  public var tissueStrength: Double
  /// Scale of the fluorescence background; 1 is typical breast tissue at 785 nm.
  public var fluorescenceStrength: Double
  /// Scale of the collagen bands (855, 876, 921, 938, amide III) within the tissue; 1 is
  /// collagen-rich stroma, 0 none. Multiplied by `tissueStrength`.
  public var collagenStrength: Double = 1
  /// Scale of the lipid bands (C–C 1063, 1080, 1128; =C–H 1265) within the tissue; 1 is fatty
  /// breast tissue, 0 none. Multiplied by `tissueStrength`.
  public var lipidStrength: Double = 1

  /// Creates a composition; by default soft tissue with no calcification.
  public init(
    calcification: Calcification = .none, phosphateStrength: Double = 0,
    whitlockiteFraction: Double = 0, acpAmount: Double = 0, carbonateAmount: Double = 0,
    oxalateStrength: Double = 0, oxalateDihydrateFraction: Double = 0, tissueStrength: Double = 1,
    fluorescenceStrength: Double = 1
  ) {
    self.calcification = calcification
    self.phosphateStrength = phosphateStrength
    self.whitlockiteFraction = whitlockiteFraction
    self.acpAmount = acpAmount
    self.carbonateAmount = carbonateAmount
    self.oxalateStrength = oxalateStrength
    self.oxalateDihydrateFraction = oxalateDihydrateFraction
    self.tissueStrength = tissueStrength
    self.fluorescenceStrength = fluorescenceStrength
  }

  /// A phosphate calcification with the given band strength and whitlockite area fraction.
  public static func phosphate(
    strength: Double = 1, whitlockiteFraction: Double, acpAmount: Double = 0,
    carbonateAmount: Double = 0
  ) -> RamanComposition {
    RamanComposition(
      calcification: .phosphate, phosphateStrength: strength,
      whitlockiteFraction: whitlockiteFraction, acpAmount: acpAmount,
      carbonateAmount: carbonateAmount)
  }

  /// An oxalate calcification with the given band strength and dihydrate fraction.
  public static func oxalate(strength: Double = 1, dihydrateFraction: Double = 0)
    -> RamanComposition
  {
    RamanComposition(
      calcification: .oxalate, oxalateStrength: strength,
      oxalateDihydrateFraction: dihydrateFraction)
  }
}
