import Mapping
import WhitlockCore

/// `map-plan`: the plan of a map, written when the map starts, so a restarted daemon (and any
/// reader) expands the same grid (`ScanPlan.grid`) and knows which acquisitions are missing.
public struct MapPlanRecord: Sendable, Equatable {
  /// The members every record carries.
  public var header: RecordHeader
  /// The plan, validated as when it was made.
  public var plan: ScanPlan

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    let plan = try reader.object("plan")
    let regionReader = try plan.object("region")
    let region: ScanRegion
    switch try regionReader.string("type") {
    case "rectangle":
      region = .rectangle(
        origin: StagePosition(
          x: try regionReader.number("x_um"), y: try regionReader.number("y_um")),
        width: try regionReader.number("width_um"), height: try regionReader.number("height_um"))
    case "polygon":
      var vertices: [StagePosition] = []
      for (index, item) in try regionReader.array("vertices_um").enumerated() {
        guard case .array(let pair) = item, pair.count == 2, let x = pair[0].doubleValue,
          let y = pair[1].doubleValue
        else { throw regionReader.failure("vertices_um[\(index)]", "expected [x, y] in µm") }
        vertices.append(StagePosition(x: x, y: y))
      }
      region = .polygon(vertices)
    case let other:
      throw regionReader.failure("type", "\"\(other)\" is not rectangle or polygon")
    }
    let orderName = try plan.string("order")
    guard let order = ScanOrder(rawValue: orderName) else {
      throw plan.failure("order", "\"\(orderName)\" is not snake or raster")
    }
    let exposures = try plan.object("exposures")
    let id = try plan.string("map_id")
    let step = try plan.number("step_um")
    let settle = try plan.number("settle_s")
    let chosen = ScanExposures(
      ramanSeconds: try exposures.optionalNumber("raman_s"),
      xrfSeconds: try exposures.optionalNumber("xrf_s"))
    let repeats = Int(clamping: try plan.integer("repeats"))
    let made = Result { () throws(ScanPlanError) -> ScanPlan in
      try ScanPlan(
        id: id, region: region, step: step, order: order, settleSeconds: settle,
        exposures: chosen, repeats: repeats)
    }
    switch made {
    case .success(let value): self.plan = value
    case .failure(let error): throw plan.failure(error.member, error.problem)
    }
  }
}

/// The `map` member of an acquisition taken as part of a map: which map, which point and
/// repeat, and where the stage measured itself to be.
public struct MapPointRecord: Sendable, Equatable {
  /// The map's (and its plan's) id.
  public var mapID: String
  /// The point's index in the plan's visiting order.
  public var gridIndex: Int
  /// The point's grid column.
  public var column: Int
  /// The point's grid row.
  public var row: Int
  /// Which of the plan's `repeats` this acquisition is, 0-based.
  public var repeatIndex: Int
  /// The stage position read back after settling, µm.
  public var stagePosition: StagePosition

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    mapID = try reader.string("map_id")
    gridIndex = Int(clamping: try reader.unsigned("grid_index"))
    column = Int(clamping: try reader.unsigned("column"))
    row = Int(clamping: try reader.unsigned("row"))
    repeatIndex = Int(clamping: try reader.unsigned("repeat"))
    let pair = try reader.array("stage_um")
    guard pair.count == 2, let x = pair[0].doubleValue, let y = pair[1].doubleValue else {
      throw reader.failure("stage_um", "expected [x, y] in µm")
    }
    stagePosition = StagePosition(x: x, y: y)
  }
}

extension MapResume {
  /// The slots of `plan` that `records` already hold: acquisitions whose `map` names the plan,
  /// by point, technique (the instrument's kind) and repeat.
  public static func recordedSlots(of plan: ScanPlan, in records: some Sequence<StoredRecord>)
    -> Set<MapSlot>
  {
    var slots = Set<MapSlot>()
    for record in records {
      guard case .acquisition(let acquisition) = record, let map = acquisition.map,
        map.mapID == plan.id
      else { continue }
      slots.insert(
        MapSlot(
          pointIndex: map.gridIndex, technique: acquisition.header.instrument.kind,
          repeatIndex: map.repeatIndex))
    }
    return slots
  }
}

/// `map-end`: a map finished, completely or aborted; a restarted daemon never resumes it.
public struct MapEndRecord: Sendable, Equatable {
  /// How a map ended.
  public enum State: String, Sendable, Equatable {
    /// Every slot of the plan is recorded.
    case complete
    /// An operator aborted it (or a newer map replaced it before it could resume).
    case aborted
  }

  /// The members every record carries.
  public var header: RecordHeader
  /// The map's id.
  public var mapID: String
  /// How it ended.
  public var state: State
  /// Points whose every slot was recorded.
  public var pointsDone: Int
  /// Points of the plan.
  public var pointsTotal: Int
  /// Why the daemon ended the map itself (e.g. a point outside the stage's travel); `nil` when
  /// it completed or an operator aborted it.
  public var reason: String?

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    let map = try reader.object("map")
    mapID = try map.string("map_id")
    let stateName = try map.string("state")
    guard let state = State(rawValue: stateName) else {
      throw map.failure("state", "\"\(stateName)\" is not complete or aborted")
    }
    self.state = state
    pointsDone = Int(clamping: try map.unsigned("points_done"))
    pointsTotal = Int(clamping: try map.unsigned("points_total"))
    reason = try map.optionalString("reason")
  }
}

extension MapResume {
  /// The plans in `records` (in spool order) that have no `map-end`: maps a crash or a stop
  /// interrupted, which a restarted daemon continues.
  public static func unfinishedPlans(in records: some Sequence<StoredRecord>) -> [ScanPlan] {
    var plans: [ScanPlan] = []
    var ended = Set<String>()
    for record in records {
      switch record {
      case .mapPlan(let plan): plans.append(plan.plan)
      case .mapEnd(let end): ended.insert(end.mapID)
      default: break
      }
    }
    return plans.filter { !ended.contains($0.id) }
  }
}
