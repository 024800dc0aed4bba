import WhitlockCore

/// The area a map covers, in stage µm.
public enum ScanRegion: Sendable, Equatable {
  /// An axis-aligned rectangle from `origin` (its smallest x and y) over `width` × `height`.
  case rectangle(origin: StagePosition, width: Double, height: Double)
  /// A simple polygon (at least three vertices, closed implicitly); grid points inside it or on
  /// its edges are measured.
  case polygon([StagePosition])

  /// The smallest axis-aligned rectangle holding the region: (min corner, max corner).
  public var bounds: (min: StagePosition, max: StagePosition) {
    switch self {
    case .rectangle(let origin, let width, let height):
      return (origin, StagePosition(x: origin.x + width, y: origin.y + height))
    case .polygon(let vertices):
      let xs = vertices.map(\.x)
      let ys = vertices.map(\.y)
      return (
        StagePosition(x: xs.min() ?? 0, y: ys.min() ?? 0),
        StagePosition(x: xs.max() ?? 0, y: ys.max() ?? 0)
      )
    }
  }

  /// Whether `point` lies in the region (edges included, within `tolerance` µm).
  public func contains(_ point: StagePosition, tolerance: Double = 1e-6) -> Bool {
    switch self {
    case .rectangle:
      let (low, high) = bounds
      return point.x >= low.x - tolerance && point.x <= high.x + tolerance
        && point.y >= low.y - tolerance && point.y <= high.y + tolerance
    case .polygon(let vertices):
      guard vertices.count >= 3 else { return false }
      var inside = false
      var previous = vertices[vertices.count - 1]
      for vertex in vertices {
        if Self.onSegment(point, previous, vertex, tolerance: tolerance) { return true }
        if (vertex.y > point.y) != (previous.y > point.y) {
          let crossing =
            vertex.x + (point.y - vertex.y) * (previous.x - vertex.x) / (previous.y - vertex.y)
          if point.x < crossing { inside.toggle() }
        }
        previous = vertex
      }
      return inside
    }
  }

  private static func onSegment(
    _ p: StagePosition, _ a: StagePosition, _ b: StagePosition, tolerance: Double
  ) -> Bool {
    let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
    guard abs(cross) <= tolerance * max(length, 1) else { return false }
    return p.x >= min(a.x, b.x) - tolerance && p.x <= max(a.x, b.x) + tolerance
      && p.y >= min(a.y, b.y) - tolerance && p.y <= max(a.y, b.y) + tolerance
  }
}
