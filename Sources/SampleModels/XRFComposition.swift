/// The true make-up of one simulated XRF measurement point.
public struct XRFComposition: Sendable, Equatable {
  /// Molar Mg/Ca ratio of the calcification (≈ 0.11 for pure whitlockite, ≈ 0 for pure apatite).
  public var mgToCaMolar: Double
  /// Ca Kα rate relative to the model's `calciumRate`; 1 is a typical calcification, a few
  /// hundredths is soft tissue.
  public var calciumStrength: Double
  /// P Kα rate relative to the model's `phosphorusRate`; 1 for a phosphate, 0 for an oxalate.
  public var phosphorusStrength: Double
  /// Scale of the soft-tissue trace lines (S, Cl, K, Fe, Zn).
  public var tissueStrength: Double

  /// Creates a composition; by default a typical phosphate calcification in tissue.
  public init(
    mgToCaMolar: Double, calciumStrength: Double = 1, phosphorusStrength: Double = 1,
    tissueStrength: Double = 1
  ) {
    self.mgToCaMolar = mgToCaMolar
    self.calciumStrength = calciumStrength
    self.phosphorusStrength = phosphorusStrength
    self.tissueStrength = tissueStrength
  }
}
