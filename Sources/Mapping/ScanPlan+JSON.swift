import WhitlockCore

extension ScanPlan {
  /// A plan from the JSON an operator sends (`POST /api/v1/maps`, `whitlockctl map start`): the
  /// same members as the `map-plan` record's `plan` (`ScanPlan.recordValue`), with `order`
  /// (`snake`), `settle_s` (0) and `repeats` (1) optional and `points` ignored. Every error
  /// names the member at fault; unknown members are refused, so a misspelt one is not dropped.
  public init(json value: JSONValue) throws(ScanPlanError) {
    guard case .object(let members) = value else {
      throw ScanPlanError(member: "", problem: "the plan must be a JSON object")
    }
    let known: Set = [
      "map_id", "region", "step_um", "order", "settle_s", "exposures", "repeats", "points",
    ]
    if let unknown = members.first(where: { !known.contains($0.0) }) {
      throw ScanPlanError(
        member: unknown.0,
        problem: "unknown member; expected \(known.sorted().joined(separator: ", "))")
    }
    guard let id = value["map_id"]?.stringValue else {
      throw ScanPlanError(member: "map_id", problem: "is required and must be a string")
    }
    let region = try Self.region(value["region"])
    let step = try Self.number(value, "step_um", default: nil)
    let orderName = try Self.string(value, "order") ?? ScanOrder.snake.rawValue
    guard let order = ScanOrder(rawValue: orderName) else {
      throw ScanPlanError(member: "order", problem: "\"\(orderName)\" is not snake or raster")
    }
    let settle = try Self.number(value, "settle_s", default: 0)
    guard let exposures = value["exposures"], case .object(let exposureMembers) = exposures else {
      throw ScanPlanError(
        member: "exposures", problem: "is required: an object with raman_s and/or xrf_s")
    }
    if let unknown = exposureMembers.first(where: { $0.0 != "raman_s" && $0.0 != "xrf_s" }) {
      throw ScanPlanError(
        member: "exposures.\(unknown.0)", problem: "unknown member; expected raman_s, xrf_s")
    }
    let raman = try Self.optionalNumber(exposures, "raman_s", prefix: "exposures.")
    let xrf = try Self.optionalNumber(exposures, "xrf_s", prefix: "exposures.")
    let repeats: Int
    switch value["repeats"] {
    case nil: repeats = 1
    case .int(let number)?: repeats = Int(clamping: number)
    case .some:
      throw ScanPlanError(member: "repeats", problem: "must be a whole number")
    }
    try self.init(
      id: id, region: region, step: step, order: order, settleSeconds: settle,
      exposures: ScanExposures(ramanSeconds: raman, xrfSeconds: xrf), repeats: repeats)
  }

  private static func region(_ value: JSONValue?) throws(ScanPlanError) -> ScanRegion {
    guard let value, case .object = value else {
      throw ScanPlanError(member: "region", problem: "is required: a rectangle or polygon object")
    }
    switch value["type"]?.stringValue {
    case "rectangle":
      let x = try number(value, "x_um", default: nil, prefix: "region.")
      let y = try number(value, "y_um", default: nil, prefix: "region.")
      let width = try number(value, "width_um", default: nil, prefix: "region.")
      let height = try number(value, "height_um", default: nil, prefix: "region.")
      return .rectangle(origin: StagePosition(x: x, y: y), width: width, height: height)
    case "polygon":
      guard case .array(let items)? = value["vertices_um"] else {
        throw ScanPlanError(
          member: "region.vertices_um", problem: "is required: an array of [x, y] in µm")
      }
      var vertices: [StagePosition] = []
      for (index, item) in items.enumerated() {
        guard case .array(let pair) = item, pair.count == 2, let x = pair[0].doubleValue,
          let y = pair[1].doubleValue
        else {
          throw ScanPlanError(
            member: "region.vertices_um[\(index)]", problem: "expected [x, y] in µm")
        }
        vertices.append(StagePosition(x: x, y: y))
      }
      return .polygon(vertices)
    case let other:
      throw ScanPlanError(
        member: "region.type",
        problem: "\(other.map { "\"\($0)\"" } ?? "missing"): expected rectangle or polygon")
    }
  }

  private static func string(_ value: JSONValue, _ key: String) throws(ScanPlanError) -> String? {
    guard let member = value[key] else { return nil }
    guard let text = member.stringValue else {
      throw ScanPlanError(member: key, problem: "must be a string")
    }
    return text
  }

  private static func number(
    _ value: JSONValue, _ key: String, default fallback: Double?, prefix: String = ""
  ) throws(ScanPlanError) -> Double {
    guard let member = value[key] else {
      if let fallback { return fallback }
      throw ScanPlanError(member: prefix + key, problem: "is required and must be a number")
    }
    guard let number = member.doubleValue else {
      throw ScanPlanError(member: prefix + key, problem: "must be a number")
    }
    return number
  }

  private static func optionalNumber(_ value: JSONValue, _ key: String, prefix: String)
    throws(ScanPlanError) -> Double?
  {
    guard let member = value[key], member != .null else { return nil }
    guard let number = member.doubleValue else {
      throw ScanPlanError(member: prefix + key, problem: "must be a number")
    }
    return number
  }
}
