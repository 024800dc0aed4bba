/// The decision rule that turns a point's Raman and XRF results into a whitlockite verdict, with
/// its thresholds. The rule text (`ruleDescription`) is written into every fused record so a
/// reader knows exactly what "present" meant.
///
/// Why it is shaped this way: whitlockite is identified by its Raman ν1 band (~970 cm⁻¹); XRF Mg
/// alone cannot identify it (soft tissue and Mg-substituted apatite carry Mg too), so XRF can only
/// support or contradict a Raman call. Thresholds are study choices, not facts: defaults are a
/// whitlockite share of 15 % of the crystalline ν1 area at 2σ, and an XRF Mg/Ca that contradicts
/// whitlockite when even its 2σ upper bound stays below 0.01 (pure whitlockite is 0.111).
public struct FusionSettings: Sendable, Equatable {
  /// Whitlockite fraction threshold T.
  public var fractionThreshold = 0.15
  /// Confidence multiplier k applied to every σ.
  public var sigmaMultiplier = 2.0
  /// XRF contradicts whitlockite when Mg/Ca + k·σ < this (molar).
  public var mgCaAbsentBelow = 0.01
  /// XRF supports whitlockite when Mg/Ca − k·σ ≥ this (molar).
  public var mgCaPresentAbove = 0.015
  /// Require XRF support for `present` (otherwise a Raman call without XRF suffices).
  public var requireXRF = false

  /// The documented defaults.
  public init() {}

  /// The rule with its numbers, as written into records.
  public var ruleDescription: String {
    let t = Self.text(fractionThreshold)
    let k = Self.text(sigmaMultiplier)
    return
      "raman: present if f - \(k)σ >= \(t), absent if f + \(k)σ < \(t) or no phosphate ν1 band "
      + "in a good spectrum, else indeterminate; xrf: supports if Mg/Ca - \(k)σ >= "
      + "\(Self.text(mgCaPresentAbove)), contradicts if Mg/Ca + \(k)σ < "
      + "\(Self.text(mgCaAbsentBelow)) (or Mg is below detection with a limit below it); "
      + "verdict: present if raman present and xrf does not "
      + "contradict\(requireXRF ? " and xrf supports" : ""); absent if raman absent; "
      + "indeterminate otherwise"
  }

  static func text(_ value: Double) -> String {
    let rounded = (value * 10000).rounded() / 10000
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}
