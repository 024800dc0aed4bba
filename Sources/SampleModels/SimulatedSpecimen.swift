import WhitlockCore

/// A simulated specimen with spatial structure: a microcalcification in soft tissue, so a map
/// of it has a picture. The stage's position picks what lies under the probe.
///
/// Seen from above: an elliptical calcification centred at `centre`; inside `coreRadius` a
/// whitlockite-rich core (whitlockite falling from `coreWhitlockiteFraction` at the centre to
/// half that at the core's edge, Mg/Ca following it), out to `calcificationRadius` an apatite
/// rim with a little whitlockite, a calcium oxalate inclusion at `inclusionOffset` from the
/// centre, soft tissue everywhere else. Distances along y are stretched by `1 / aspect`.
public struct SimulatedSpecimen: Sendable, Equatable {
  /// Centre of the calcification, stage µm.
  public var centre = StagePosition(x: 0, y: 0)
  /// Radius of the whitlockite-rich core along x, µm.
  public var coreRadius = 220.0
  /// Radius of the whole calcification (core and apatite rim) along x, µm.
  public var calcificationRadius = 420.0
  /// y radius over x radius of the ellipse.
  public var aspect = 0.8
  /// Whitlockite area fraction at the centre of the core.
  public var coreWhitlockiteFraction = 0.65
  /// Whitlockite area fraction in the apatite rim.
  public var rimWhitlockiteFraction = 0.05
  /// Where the oxalate inclusion lies, relative to the centre, µm.
  public var inclusionOffset = StagePosition(x: 150, y: -120)
  /// Radius of the oxalate inclusion, µm.
  public var inclusionRadius = 90.0
  /// Molar Mg/Ca of pure whitlockite.
  public var whitlockiteMgToCa = 2.0 / 18.0
  /// Molar Mg/Ca substituted into apatite and oxalate.
  public var substitutedMgToCa = 0.005

  /// The default specimen, centred at the stage origin.
  public init() {}

  /// The region a map should cover to see all of it with some tissue around, µm: origin
  /// (smallest corner) and side.
  public var suggestedMapSquare: (origin: StagePosition, side: Double) {
    let half = calcificationRadius * 1.3
    return (StagePosition(x: centre.x - half, y: centre.y - half), 2 * half)
  }

  /// What lies under the probe at `position`.
  public func point(at position: StagePosition) -> SimulatedPoint {
    let dx = position.x - centre.x
    let dy = (position.y - centre.y) / aspect
    let radius = (dx * dx + dy * dy).squareRoot()
    let inclusion = StagePosition(x: centre.x + inclusionOffset.x, y: centre.y + inclusionOffset.y)
    let pointID = Self.pointID(position)
    if Self.distance(position, inclusion) <= inclusionRadius {
      return SimulatedPoint(
        index: 0, pointID: pointID, raman: .oxalate(strength: 1.1, dihydrateFraction: 0.3),
        xrf: XRFComposition(
          mgToCaMolar: substitutedMgToCa, calciumStrength: 1.1, phosphorusStrength: 0))
    }
    if radius <= coreRadius {
      let fraction = coreWhitlockiteFraction * (1 - 0.5 * radius / coreRadius)
      return phosphate(pointID: pointID, fraction: fraction, strength: 1.3)
    }
    if radius <= calcificationRadius {
      // The rim thins towards its outer edge.
      let depth = (calcificationRadius - radius) / (calcificationRadius - coreRadius)
      return phosphate(
        pointID: pointID, fraction: rimWhitlockiteFraction, strength: 0.5 + 0.6 * depth)
    }
    return SimulatedPoint(
      index: 0, pointID: pointID, raman: RamanComposition(),
      xrf: XRFComposition(mgToCaMolar: 0.3, calciumStrength: 0.02, phosphorusStrength: 0.02))
  }

  private func phosphate(pointID: String, fraction: Double, strength: Double) -> SimulatedPoint {
    SimulatedPoint(
      index: 0, pointID: pointID,
      raman: .phosphate(
        strength: strength, whitlockiteFraction: fraction, acpAmount: 0.02, carbonateAmount: 0.06),
      xrf: XRFComposition(
        mgToCaMolar: whitlockiteMgToCa * fraction + substitutedMgToCa * (1 - fraction),
        calciumStrength: strength, phosphorusStrength: strength))
  }

  private static func distance(_ a: StagePosition, _ b: StagePosition) -> Double {
    ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
  }

  /// `X+000150Y-000120`: the position rounded to µm, as the point's id.
  private static func pointID(_ position: StagePosition) -> String {
    "X" + signed(position.x) + "Y" + signed(position.y)
  }

  private static func signed(_ value: Double) -> String {
    let rounded = Int(value.rounded())
    let digits = String(abs(rounded))
    return (rounded < 0 ? "-" : "+") + String(repeating: "0", count: max(0, 6 - digits.count))
      + digits
  }
}
