import WhitlockCore

extension ScanPlan {
  /// The `plan` object of a `map-plan` spool record (schema `$defs/mapPlan`): what a restarted
  /// daemon needs to expand the same grid and resume the map.
  public var recordValue: JSONValue {
    let region: JSONValue =
      switch region {
      case .rectangle(let origin, let width, let height):
        .object([
          ("type", .string("rectangle")), ("x_um", .double(origin.x)), ("y_um", .double(origin.y)),
          ("width_um", .double(width)), ("height_um", .double(height)),
        ])
      case .polygon(let vertices):
        .object([
          ("type", .string("polygon")),
          ("vertices_um", .array(vertices.map { .array([.double($0.x), .double($0.y)]) })),
        ])
      }
    var exposures: [(String, JSONValue)] = []
    if let seconds = self.exposures.ramanSeconds { exposures.append(("raman_s", .double(seconds))) }
    if let seconds = self.exposures.xrfSeconds { exposures.append(("xrf_s", .double(seconds))) }
    return .object([
      ("map_id", .string(id)), ("region", region), ("step_um", .double(step)),
      ("order", .string(order.rawValue)), ("settle_s", .double(settleSeconds)),
      ("exposures", .object(exposures)), ("repeats", .int(Int64(repeats))),
      ("points", .int(Int64(grid.points.count))),
    ])
  }
}
