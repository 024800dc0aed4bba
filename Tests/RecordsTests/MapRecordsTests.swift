import Foundation
import Mapping
import Records
import Spool
import Testing
import WhitlockCore

/// The `map-plan` record and the `map` member of acquisitions: schema and models agree, and the
/// resume rule reads its slots from decoded records.
@Suite struct MapRecordsTests {
  static let plan: ScanPlan = {
    // A valid plan; `try!` cannot fail on these constants, and a failure would stop every test.
    try! ScanPlan(
      id: "3f0c2a",
      region: .polygon([
        StagePosition(x: 0, y: 0), StagePosition(x: 50, y: 0), StagePosition(x: 50, y: 30),
      ]), step: 10, order: .snake, settleSeconds: 0.02,
      exposures: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 2), repeats: 2)
  }()

  static let instrument: JSONValue = .object([
    ("id", .string("raman-1")), ("kind", .string("raman")), ("model", .string("M")),
    ("serial", .string("S")), ("family", .string("simulated")), ("firmware", .null),
  ])

  static func mapPlanRecord(_ plan: JSONValue = plan.recordValue) -> JSONValue {
    .object([
      ("schema", .int(1)), ("type", .string("map-plan")),
      ("run_id", .string("5b0e9c3e-8d1f-4c56-9a0b-1c2d3e4f5a6b")), ("seq", .int(4)),
      ("time", .string("2026-12-07T17:00:00.000Z")), ("instrument", instrument), ("plan", plan),
    ])
  }

  /// An acquisition record as the spool writes it, with a `map` member added.
  static func acquisition(map: JSONValue?, kind: InstrumentKind = .raman) throws -> JSONValue {
    let identity = InstrumentIdentity(
      id: "i1", kind: kind, model: "M", serial: "S", family: "simulated", firmware: "1")
    let acquisition = Acquisition(
      instrument: identity, deviceSequence: 3, startedAt: Date(), endedAt: Date(),
      counts: [1, 2, 3],
      axis: kind == .xrf
        ? .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0)
        : .wavelengthPolynomial(coefficients: [780, 0.1], excitationNanometres: 785),
      exposureSeconds: 1, fullScale: 4095, parameters: [])
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date()),
        acquisition: acquisition, detection: .object([("method", .string("test"))])),
      seq: 9, into: &writer)
    guard case .object(var members) = try JSONParser.parse(writer.bytes) else { return .null }
    if let map { members.append(("map", map)) }
    return .object(members)
  }

  static func mapMember(index: Int, repeatIndex: Int, id: String = "3f0c2a") -> JSONValue {
    .object([
      ("map_id", .string(id)), ("grid_index", .int(Int64(index))), ("column", .int(1)),
      ("row", .int(0)), ("repeat", .int(Int64(repeatIndex))),
      ("stage_um", .array([.double(10.002), .double(-0.001)])),
    ])
  }

  @Test func aMapPlanRecordValidatesAndDecodesToThePlan() throws {
    let value = Self.mapPlanRecord()
    #expect(JSONSchemaValidator.records.validate(value).isEmpty)
    guard case .mapPlan(let record) = try StoredRecord(value) else {
      Issue.record("not decoded as map-plan")
      return
    }
    #expect(record.plan == Self.plan)
    #expect(record.header.seq == 4)
    #expect(record.plan.grid.points.count == Self.plan.grid.points.count)
  }

  @Test func aRectanglePlanRoundTrips() throws {
    let plan = try ScanPlan(
      id: "r", region: .rectangle(origin: StagePosition(x: -5, y: 2.5), width: 100, height: 40),
      step: 20, order: .raster, exposures: ScanExposures(xrfSeconds: 5))
    let value = Self.mapPlanRecord(plan.recordValue)
    #expect(JSONSchemaValidator.records.validate(value).isEmpty)
    guard case .mapPlan(let record) = try StoredRecord(value) else {
      Issue.record("not decoded as map-plan")
      return
    }
    #expect(record.plan == plan)
  }

  static var requiredPlanMembers: [String] {
    guard case .object(let members) = plan.recordValue else { return [] }
    return members.map(\.0).filter { $0 != "points" }
  }

  /// Each member the schema requires of `plan` is required by the model too, by name.
  @Test(arguments: requiredPlanMembers)
  func aPlanMemberTheSchemaRequiresIsRequiredByTheModel(member: String) {
    guard case .object(let members) = Self.plan.recordValue else { return }
    let broken = Self.mapPlanRecord(.object(members.filter { $0.0 != member }))
    #expect(!JSONSchemaValidator.records.validate(broken).isEmpty, "the schema requires \(member)")
    #expect {
      _ = try StoredRecord(broken)
    } throws: { error in
      (error as? RecordDecodingError)?.member == "plan.\(member)"
    }
  }

  @Test func aPlanTheModelCannotRunNamesTheMember() {
    guard case .object(let members) = Self.plan.recordValue else { return }
    let broken = Self.mapPlanRecord(
      .object(members.map { $0.0 == "repeats" ? ("repeats", .int(0)) : $0 }))
    #expect(!JSONSchemaValidator.records.validate(broken).isEmpty)
    #expect {
      _ = try StoredRecord(broken)
    } throws: { error in
      (error as? RecordDecodingError)?.member == "plan.repeats"
    }
  }

  @Test func anAcquisitionCarriesItsMapPoint() throws {
    let value = try Self.acquisition(map: Self.mapMember(index: 5, repeatIndex: 1))
    #expect(JSONSchemaValidator.records.validate(value).isEmpty)
    guard case .acquisition(let record) = try StoredRecord(value) else {
      Issue.record("not an acquisition")
      return
    }
    let map = try #require(record.map)
    #expect(map.mapID == "3f0c2a" && map.gridIndex == 5 && map.repeatIndex == 1)
    #expect(map.stagePosition == StagePosition(x: 10.002, y: -0.001))
    let plain = try Self.acquisition(map: nil)
    guard case .acquisition(let without) = try StoredRecord(plain) else { return }
    #expect(without.map == nil, "the member is optional")
  }

  @Test(arguments: ["map_id", "grid_index", "column", "row", "repeat", "stage_um"])
  func aMapPointMemberIsRequiredByBoth(member: String) throws {
    guard case .object(let members) = Self.mapMember(index: 0, repeatIndex: 0) else { return }
    let value = try Self.acquisition(map: .object(members.filter { $0.0 != member }))
    #expect(!JSONSchemaValidator.records.validate(value).isEmpty)
    #expect {
      _ = try StoredRecord(value)
    } throws: { error in
      (error as? RecordDecodingError)?.member == "map.\(member)"
    }
  }

  /// The resume rule fed from decoded records: slots of this map only, by the instrument's kind.
  @Test func recordedSlotsComeFromTheMapsAcquisitions() throws {
    let records = try [
      StoredRecord(Self.mapPlanRecord()),
      StoredRecord(Self.acquisition(map: Self.mapMember(index: 0, repeatIndex: 0))),
      StoredRecord(Self.acquisition(map: Self.mapMember(index: 0, repeatIndex: 1))),
      StoredRecord(Self.acquisition(map: Self.mapMember(index: 0, repeatIndex: 0), kind: .xrf)),
      StoredRecord(Self.acquisition(map: Self.mapMember(index: 1, repeatIndex: 0, id: "other"))),
      StoredRecord(Self.acquisition(map: nil)),
    ]
    let slots = MapResume.recordedSlots(of: Self.plan, in: records)
    #expect(
      slots == [
        MapSlot(pointIndex: 0, technique: .raman, repeatIndex: 0),
        MapSlot(pointIndex: 0, technique: .raman, repeatIndex: 1),
        MapSlot(pointIndex: 0, technique: .xrf, repeatIndex: 0),
      ])
    let next = try #require(MapResume.nextPoint(plan: Self.plan, recorded: slots))
    #expect(next.point.index == 0)
    #expect(next.missing == [MapSlot(pointIndex: 0, technique: .xrf, repeatIndex: 1)])
  }
}
