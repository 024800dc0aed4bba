import WhitlockCore

/// How a map is measured: where (region and step), in which order, how long the stage settles,
/// what each point gets (Raman and/or XRF exposure, repeated), under one plan id.
///
/// Pure and immutable; validated when made, so a plan that exists can be run. The grid it
/// expands to and the acquisitions ("slots") each point needs are functions of the plan alone,
/// which is what lets a restarted daemon work out where a map stopped (`MapResume`).
public struct ScanPlan: Sendable, Equatable {
  /// The plan's (and the map's) id: recorded on every acquisition of the map.
  public let id: String
  /// The area measured.
  public let region: ScanRegion
  /// Grid spacing on both axes, µm.
  public let step: Double
  /// The order points are visited in.
  public let order: ScanOrder
  /// Wait after the stage settles before exposing, s.
  public let settleSeconds: Double
  /// The exposure each technique gets at each point.
  public let exposures: ScanExposures
  /// Acquisitions per technique at each point (all at the same stage position), ≥ 1.
  public let repeats: Int

  /// Points a plan may hold: a 1000 × 1000 map.
  public static let maximumPoints = 1_000_000

  /// A validated plan; every error names the member at fault.
  public init(
    id: String, region: ScanRegion, step: Double, order: ScanOrder = .snake,
    settleSeconds: Double = 0, exposures: ScanExposures, repeats: Int = 1
  ) throws(ScanPlanError) {
    guard !id.isEmpty, id.count <= 128, id.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
      throw ScanPlanError(
        member: "map_id", problem: "must be 1–128 printable ASCII characters without spaces")
    }
    guard step.isFinite, step > 0 else {
      throw ScanPlanError(member: "step_um", problem: "\(step) is not a positive distance")
    }
    switch region {
    case .rectangle(let origin, let width, let height):
      guard origin.x.isFinite, origin.y.isFinite else {
        throw ScanPlanError(member: "region", problem: "the origin is not a finite position")
      }
      guard width.isFinite, height.isFinite, width >= 0, height >= 0 else {
        throw ScanPlanError(
          member: "region", problem: "width \(width) and height \(height) must be finite and ≥ 0")
      }
    case .polygon(let vertices):
      guard vertices.count >= 3 else {
        throw ScanPlanError(
          member: "region", problem: "a polygon needs at least 3 vertices, has \(vertices.count)")
      }
      guard vertices.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
        throw ScanPlanError(member: "region", problem: "a vertex is not a finite position")
      }
    }
    guard settleSeconds.isFinite, settleSeconds >= 0 else {
      throw ScanPlanError(member: "settle_s", problem: "\(settleSeconds) is not a time ≥ 0")
    }
    for (name, value) in [("raman_s", exposures.ramanSeconds), ("xrf_s", exposures.xrfSeconds)] {
      if let value, !(value.isFinite && value > 0) {
        throw ScanPlanError(member: "exposures.\(name)", problem: "\(value) is not a positive time")
      }
    }
    guard !exposures.techniques.isEmpty else {
      throw ScanPlanError(member: "exposures", problem: "names neither raman_s nor xrf_s")
    }
    guard (1...1000).contains(repeats) else {
      throw ScanPlanError(member: "repeats", problem: "\(repeats) is not 1…1000")
    }
    let (low, high) = region.bounds
    let columns = ((high.x - low.x) / step + 1e-9).rounded(.down) + 1
    let rows = ((high.y - low.y) / step + 1e-9).rounded(.down) + 1
    guard columns * rows <= Double(Self.maximumPoints) else {
      throw ScanPlanError(
        member: "step_um",
        problem: "\(Int(columns)) × \(Int(rows)) grid exceeds \(Self.maximumPoints) points")
    }
    self.id = id
    self.region = region
    self.step = step
    self.order = order
    self.settleSeconds = settleSeconds
    self.exposures = exposures
    self.repeats = repeats
    let grid = ScanGrid(plan: self)
    guard !grid.points.isEmpty else {
      throw ScanPlanError(member: "region", problem: "holds no grid point at step \(step) µm")
    }
  }

  /// The points in visiting order.
  public var grid: ScanGrid { ScanGrid(plan: self) }

  /// The acquisitions point `index` needs, in the order they are taken: each technique (Raman
  /// first), `repeats` times.
  public func slots(atPoint index: Int) -> [MapSlot] {
    exposures.techniques.flatMap { technique in
      (0..<repeats).map { MapSlot(pointIndex: index, technique: technique, repeatIndex: $0) }
    }
  }

  /// Every acquisition of the map, in order.
  public func allSlots() -> [MapSlot] {
    (0..<grid.points.count).flatMap { slots(atPoint: $0) }
  }
}

/// The order points are visited in.
public enum ScanOrder: String, Sendable, Equatable, CaseIterable {
  /// Row by row, every other row reversed: the stage never returns across the map between rows.
  case snake
  /// Row by row, every row from its smallest x.
  case raster
}

/// The exposure per point for each technique; at least one is set.
public struct ScanExposures: Sendable, Equatable {
  /// Raman exposure per acquisition, s; `nil`: no Raman at the points.
  public var ramanSeconds: Double?
  /// XRF exposure (preset time) per acquisition, s; `nil`: no XRF at the points.
  public var xrfSeconds: Double?

  /// Exposures for the techniques given.
  public init(ramanSeconds: Double? = nil, xrfSeconds: Double? = nil) {
    self.ramanSeconds = ramanSeconds
    self.xrfSeconds = xrfSeconds
  }

  /// The techniques measured at each point, Raman first.
  public var techniques: [InstrumentKind] {
    (ramanSeconds == nil ? [] : [.raman]) + (xrfSeconds == nil ? [] : [.xrf])
  }

  /// The exposure for `technique`, s.
  public func seconds(for technique: InstrumentKind) -> Double? {
    technique == .raman ? ramanSeconds : xrfSeconds
  }
}

/// A plan that cannot be run: the member at fault and why.
public struct ScanPlanError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The member at fault, as the `map-plan` record names it (`step_um`, `exposures.xrf_s`, …).
  public var member: String
  /// What is wrong with it.
  public var problem: String

  /// An error for `member`.
  public init(member: String, problem: String) {
    self.member = member
    self.problem = problem
  }

  /// `member: problem`.
  public var description: String { "\(member): \(problem)" }
}
