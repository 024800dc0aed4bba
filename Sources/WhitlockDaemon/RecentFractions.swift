import WhitlockCore

/// The last whitlockite fractions of one Raman instrument, kept so that a live page opened in
/// the middle of a run draws the trend at once instead of starting empty.
///
/// Bounded (`capacity` points, the oldest dropped first), so it costs the same after a week as
/// after a minute; served in `GET /api/v1/status` under each Raman instrument.
struct RecentFractions {
  /// One analysed spectrum's fraction.
  struct Point {
    var deviceSequence: UInt64
    var time: String
    var fraction: Double
    var sigma: Double?
    var phase: String?
  }

  /// Points kept; the live page's trend shows as many.
  static let capacity = 200

  private var ring: [Point] = []
  private var next = 0

  /// Adds the fraction of the latest spectrum.
  mutating func append(_ point: Point) {
    if ring.count < Self.capacity {
      ring.append(point)
    } else {
      ring[next] = point
      next = (next + 1) % Self.capacity
    }
  }

  /// The points, oldest first.
  var points: [Point] { Array(ring[next...] + ring[..<next]) }

  /// The points as the status document carries them.
  var jsonValue: JSONValue {
    .array(
      points.map { point in
        .object([
          ("device_seq", .int(Int64(point.deviceSequence))),
          ("time", .string(point.time)),
          ("whitlockite_fraction", .number(point.fraction)),
          ("whitlockite_fraction_sigma", point.sigma.map(JSONValue.number) ?? .null),
          ("phase", point.phase.map(JSONValue.string) ?? .null),
        ])
      })
  }
}
