import WhitlockCore

extension ScanPlan {
  /// The first point, in visiting order, that lies outside `travel`, with a sentence naming it
  /// and the travel; `nil` when the stage can reach every point.
  ///
  /// A map is checked before the stage first moves: a point the controller would refuse would
  /// otherwise stop the map part-way, after the operator has left it running.
  public func firstPoint(outside travel: StageTravel) -> (point: ScanPoint, problem: String)? {
    guard let point = grid.points.first(where: { !travel.contains($0.position) }) else {
      return nil
    }
    let problem =
      "point \(point.index) (column \(point.column), row \(point.row)) at "
      + "x \(Self.micrometres(point.position.x)), y \(Self.micrometres(point.position.y)) µm "
      + "lies outside the stage's travel (x \(Self.micrometres(travel.x.lowerBound))…"
      + "\(Self.micrometres(travel.x.upperBound)) µm, y \(Self.micrometres(travel.y.lowerBound))…"
      + "\(Self.micrometres(travel.y.upperBound)) µm)"
    return (point, problem)
  }

  private static func micrometres(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}
