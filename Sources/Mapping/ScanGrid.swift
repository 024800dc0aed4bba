import WhitlockCore

/// A plan's grid: the region's bounding box sampled at the step from its smallest corner, the
/// points inside the region kept, numbered in visiting order.
public struct ScanGrid: Sendable, Equatable {
  /// Columns and rows of the bounding grid (some may hold no point of a polygon).
  public let columns: Int
  public let rows: Int
  /// The points, `points[i].index == i`.
  public let points: [ScanPoint]

  init(plan: ScanPlan) {
    let (low, high) = plan.region.bounds
    let columns = Int(((high.x - low.x) / plan.step + 1e-9).rounded(.down)) + 1
    let rows = Int(((high.y - low.y) / plan.step + 1e-9).rounded(.down)) + 1
    var points: [ScanPoint] = []
    for row in 0..<rows {
      let reversed = plan.order == .snake && row % 2 == 1
      for step in 0..<columns {
        let column = reversed ? columns - 1 - step : step
        let position = StagePosition(
          x: low.x + Double(column) * plan.step, y: low.y + Double(row) * plan.step)
        guard plan.region.contains(position) else { continue }
        points.append(ScanPoint(index: points.count, column: column, row: row, position: position))
      }
    }
    self.columns = columns
    self.rows = rows
    self.points = points
  }
}

/// One point of a map: its place in the visiting order, its grid cell and its stage position.
public struct ScanPoint: Sendable, Equatable, Hashable {
  /// Visiting order, 0-based: the "grid index" recorded with each acquisition.
  public let index: Int
  /// The grid column, 0 at the region's smallest x.
  public let column: Int
  /// The grid row, 0 at the region's smallest y.
  public let row: Int
  /// Where the stage goes, µm.
  public let position: StagePosition
}

/// One acquisition a map needs: a technique's `repeatIndex`-th exposure at point `pointIndex`.
public struct MapSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The point's grid index (visiting order).
  public let pointIndex: Int
  /// Raman or XRF.
  public let technique: InstrumentKind
  /// Which of the plan's repeats, 0-based.
  public let repeatIndex: Int

  /// A slot.
  public init(pointIndex: Int, technique: InstrumentKind, repeatIndex: Int) {
    self.pointIndex = pointIndex
    self.technique = technique
    self.repeatIndex = repeatIndex
  }

  /// Plan order: by point, Raman before XRF, by repeat.
  public static func < (lhs: MapSlot, rhs: MapSlot) -> Bool {
    (lhs.pointIndex, lhs.technique == .raman ? 0 : 1, lhs.repeatIndex)
      < (rhs.pointIndex, rhs.technique == .raman ? 0 : 1, rhs.repeatIndex)
  }

  /// `point 12 raman #0`.
  public var description: String { "point \(pointIndex) \(technique.rawValue) #\(repeatIndex)" }
}
