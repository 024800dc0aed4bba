/// A deterministic, seeded walk of the probe over a sample: every `acquisitionsPerPoint`
/// acquisitions it moves to a new point with a freshly drawn composition.
///
/// Each point is drawn from its own random stream, so point `k` is the same whichever instrument
/// asks and in whatever order; a Raman and an XRF instrument sharing a schedule therefore agree on
/// what lies under the probe. XRF Mg/Ca follows the whitlockite fraction (whitlockite holds
/// Mg/Ca = 2/18 ≈ 0.111 mol/mol) plus a little Mg substituted into apatite.
public struct SimulatedSampleSchedule: Sendable, Equatable {
  /// Seed of the whole schedule.
  public var seed: UInt64 = 1
  /// Acquisitions taken at each point before the probe moves on (at least 1).
  public var acquisitionsPerPoint: Int = 5
  /// Share of points with a phosphate (type II) calcification.
  public var phosphateProbability: Double = 0.6
  /// Share of points with an oxalate (type I) calcification; the rest is soft tissue.
  public var oxalateProbability: Double = 0.2
  /// Whitlockite area fractions are drawn uniformly from 0 to this value.
  public var maximumWhitlockiteFraction: Double = 0.7
  /// Range of phosphate band strengths (1 = typical dense calcification).
  public var phosphateStrengthRange: ClosedRange<Double> = 0.4...1.5
  /// Range of amorphous calcium phosphate amounts (relative to the crystalline ν1 area).
  public var acpAmountRange: ClosedRange<Double> = 0...0.08
  /// Range of B-type carbonate amounts (relative to the crystalline ν1 area).
  public var carbonateAmountRange: ClosedRange<Double> = 0.02...0.15
  /// Range of oxalate band strengths.
  public var oxalateStrengthRange: ClosedRange<Double> = 0.4...1.5
  /// Molar Mg/Ca of pure whitlockite, Ca18Mg2(HPO4)2(PO4)12.
  public var whitlockiteMgToCa: Double = 2.0 / 18.0
  /// Range of molar Mg/Ca from Mg substituted into apatite and oxalate.
  public var substitutedMgToCaRange: ClosedRange<Double> = 0.002...0.01
  /// Molar Mg/Ca of soft tissue, where calcium is scarce.
  public var softTissueMgToCa: Double = 0.3
  /// Ca Kα strength of soft tissue relative to a typical calcification.
  public var softTissueCalciumStrength: Double = 0.02
  /// Prefix of every point identifier.
  public var pointIDPrefix: String = "P"

  /// A schedule with the default composition mix.
  public init(seed: UInt64 = 1, acquisitionsPerPoint: Int = 5) {
    self.seed = seed
    self.acquisitionsPerPoint = acquisitionsPerPoint
  }

  /// The point measured by acquisition number `acquisition` (0-based).
  public func point(forAcquisition acquisition: UInt64) -> SimulatedPoint {
    let perPoint = UInt64(max(acquisitionsPerPoint, 1))
    return point(at: Int(truncatingIfNeeded: acquisition / perPoint))
  }

  /// The `index`-th point of the schedule.
  public func point(at index: Int) -> SimulatedPoint {
    var random = RandomSource(seed: seed, stream: UInt64(truncatingIfNeeded: index))
    let pointID = pointIDPrefix + Self.zeroPadded(index, width: 6)
    let kind = random.uniform()
    let substituted = random.uniform(
      in: substitutedMgToCaRange.lowerBound, substitutedMgToCaRange.upperBound)
    if kind < phosphateProbability {
      let strength = random.uniform(
        in: phosphateStrengthRange.lowerBound, phosphateStrengthRange.upperBound)
      let fraction = random.uniform(in: 0, maximumWhitlockiteFraction)
      let acp = random.uniform(in: acpAmountRange.lowerBound, acpAmountRange.upperBound)
      let carbonate = random.uniform(
        in: carbonateAmountRange.lowerBound, carbonateAmountRange.upperBound)
      let raman = RamanComposition.phosphate(
        strength: strength, whitlockiteFraction: fraction, acpAmount: acp,
        carbonateAmount: carbonate)
      let xrf = XRFComposition(
        mgToCaMolar: whitlockiteMgToCa * fraction + substituted * (1 - fraction),
        calciumStrength: strength, phosphorusStrength: strength)
      return SimulatedPoint(index: index, pointID: pointID, raman: raman, xrf: xrf)
    }
    if kind < phosphateProbability + oxalateProbability {
      let strength = random.uniform(
        in: oxalateStrengthRange.lowerBound, oxalateStrengthRange.upperBound)
      let dihydrate = random.uniform()
      let raman = RamanComposition.oxalate(strength: strength, dihydrateFraction: dihydrate)
      let xrf = XRFComposition(
        mgToCaMolar: substituted, calciumStrength: strength, phosphorusStrength: 0)
      return SimulatedPoint(index: index, pointID: pointID, raman: raman, xrf: xrf)
    }
    let xrf = XRFComposition(
      mgToCaMolar: softTissueMgToCa, calciumStrength: softTissueCalciumStrength,
      phosphorusStrength: softTissueCalciumStrength)
    return SimulatedPoint(index: index, pointID: pointID, raman: RamanComposition(), xrf: xrf)
  }

  private static func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
