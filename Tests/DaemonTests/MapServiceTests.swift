import Foundation
import Logging
import Mapping
import Monitor
import Records
import SampleModels
import Spool
import Testing
import WhitlockCore
import WhitlockDaemon

/// The daemon's map service in process: the simulated stage moves over the simulated specimen,
/// the simulated Raman and XRF sessions take the slots, the spool records them.
@Suite struct MapServiceTests {
  static func plan(id: String, columns: Int, rows: Int, repeats: Int = 1) throws -> ScanPlan {
    try ScanPlan(
      id: id,
      region: .rectangle(
        origin: StagePosition(x: -150, y: -100), width: Double(columns - 1) * 100,
        height: Double(rows - 1) * 100),
      step: 100, exposures: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 0.2), repeats: repeats)
  }

  private static func state(_ event: JSONValue) -> String? { event["state"]?.stringValue }

  @Test func aMapTakesEverySlotOnceWithItsMapMemberAndEndsComplete() async throws {
    let bench = try MapBench()
    defer { bench.remove() }
    await bench.start()
    let plan = try Self.plan(id: "m-complete", columns: 4, rows: 3, repeats: 2)
    let started = try bench.maps.start(plan)
    #expect(started["state"]?.stringValue == "running")
    #expect(started["points_total"] == .int(12))
    #expect(started["plan"] == plan.recordValue)
    #expect(await bench.waitForMapEvent { Self.state($0) == "complete" })
    await bench.stop()

    let records = try bench.records()
    let slots = mapSlots(records, mapID: plan.id)
    #expect(slots.count == plan.allSlots().count)
    #expect(Set(slots).count == slots.count, "no slot twice")
    #expect(Set(slots) == Set(plan.allSlots()), "none skipped")
    // The plan is on disk before the first acquisition of the map, the end after the last.
    let types = records.map { record in
      record["map"] != nil && record["type"]?.stringValue == "acquisition"
        ? "map-acquisition" : record["type"]?.stringValue ?? ""
    }
    let planIndex = try #require(types.firstIndex(of: "map-plan"))
    let endIndex = try #require(types.firstIndex(of: "map-end"))
    #expect(
      types.indices.filter { types[$0] == "map-acquisition" }.allSatisfy {
        $0 > planIndex && $0 < endIndex
      })
    let decoded = try mapRecords(records)
    guard case .mapPlan(let planRecord) = decoded.first, case .mapEnd(let end) = decoded.last
    else {
      Issue.record("map-plan and map-end not decoded: \(decoded)")
      return
    }
    #expect(planRecord.plan == plan)
    #expect(end.state == .complete && end.pointsDone == 12 && end.pointsTotal == 12)

    // Each acquisition names its grid cell and the measured position, and measured what the
    // specimen holds there.
    let points = plan.grid.points
    let specimen = SimulatedSpecimen()
    for record in records
    where record["map"] != nil && record["type"]?.stringValue == "acquisition" {
      let map = try #require(record["map"])
      let point = points[Int(try #require(map["grid_index"]?.doubleValue))]
      #expect(map["column"] == .int(Int64(point.column)) && map["row"] == .int(Int64(point.row)))
      guard case .array(let position)? = map["stage_um"], position.count == 2 else {
        Issue.record("stage_um is not [x, y]: \(map)")
        continue
      }
      #expect(position[0].doubleValue == point.position.x)
      #expect(position[1].doubleValue == point.position.y)
      let truth = record["simulation"]?["point_id"]?.stringValue
      #expect(truth == specimen.point(at: point.position).pointID)
    }
    let states = bench.events.compactMap(Self.state)
    #expect(states.first == "running" && states.last == "complete")
    #expect(bench.events.last?["points_done"] == .int(12))
  }

  @Test func aPartialMapInTheSpoolResumesAtTheFirstMissingSlot() async throws {
    let plan = try Self.plan(id: "m-resume", columns: 3, rows: 2)
    // A spool as a killed daemon leaves it: the plan, and some slots recorded (point 1's XRF
    // record missing while point 2's Raman is there: the two sessions spool independently).
    let recordedBefore = [
      MapSlot(pointIndex: 0, technique: .raman, repeatIndex: 0),
      MapSlot(pointIndex: 0, technique: .xrf, repeatIndex: 0),
      MapSlot(pointIndex: 1, technique: .raman, repeatIndex: 0),
      MapSlot(pointIndex: 2, technique: .raman, repeatIndex: 0),
    ]
    let directory = try await Self.partialSpool(plan, recorded: recordedBefore)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    let second = try MapBench(directory: directory)
    await second.start()
    #expect(await second.waitForMapEvent { Self.state($0) == "complete" })
    await second.stop()
    let slots = mapSlots(try second.records(), mapID: plan.id)
    #expect(Set(slots).count == slots.count, "no slot twice: \(slots.sorted())")
    #expect(Set(slots) == Set(plan.allSlots()), "none skipped")
    // The restarted map took exactly the slots the spool lacked, starting at point 1's XRF.
    let resumed = Array(slots.dropFirst(recordedBefore.count))
    #expect(Set(resumed) == Set(plan.allSlots()).subtracting(recordedBefore))
    #expect(resumed.min() == MapSlot(pointIndex: 1, technique: .xrf, repeatIndex: 0))
  }

  /// A spool holding `plan`'s `map-plan` and acquisitions for `recorded`, as a killed daemon
  /// leaves it; returns its directory (the spool closed, its lock released).
  static func partialSpool(_ plan: ScanPlan, recorded: [MapSlot]) async throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-map-\(UUID().uuidString)").path
    let spool = try SpoolService(
      layout: SpoolLayout(root: directory), limits: SegmentLimits(), backlog: 100,
      logger: Logger(label: "map-test"))
    let run = RunController.automaticRun()
    let identity = InstrumentIdentity(
      id: "r1", kind: .raman, model: "sim", serial: "", family: "simulated")
    #expect(
      spool.pump.submit(
        .mapPlan(run: run, instrument: identity, plan: plan.recordValue, time: Date())))
    for (number, slot) in recorded.enumerated() {
      let point = plan.grid.points[slot.pointIndex]
      var acquisition = Acquisition(
        instrument: InstrumentIdentity(
          id: slot.technique == .raman ? "r1" : "x1", kind: slot.technique, model: "sim",
          serial: "", family: "simulated"),
        deviceSequence: UInt64(number + 1), startedAt: Date(), endedAt: Date(),
        counts: [1, 2, 3], axis: .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0),
        exposureSeconds: 0.1, fullScale: 65_535)
      let position: JSONValue = .array([.double(point.position.x), .double(point.position.y)])
      let members: [(String, JSONValue)] = [
        ("map_id", .string(plan.id)), ("grid_index", .int(Int64(point.index))),
        ("column", .int(Int64(point.column))), ("row", .int(Int64(point.row))),
        ("repeat", .int(0)), ("stage_um", position),
      ]
      acquisition.mapPoint = .object(members)
      #expect(
        spool.pump.submit(
          .acquisition(run: run, acquisition: acquisition, detection: .object([]))))
    }
    await spool.pump.finish()
    return directory
  }

  @Test func pauseResumeAndAbortChangeStateAndAnAbortedMapIsNotResumed() async throws {
    let bench = try MapBench()
    defer { bench.remove() }
    await bench.start()
    let plan = try Self.plan(id: "m-abort", columns: 15, rows: 15)
    let other = try Self.plan(id: "m-other", columns: 2, rows: 2)
    _ = try bench.maps.start(plan)
    // Under way: its plan is recorded and points are being measured.
    #expect(await bench.waitForPointsDone(atLeast: 1))
    do {
      _ = try bench.maps.start(other)
      Issue.record("a second map started while one runs")
    } catch {
      #expect(error.kind == .conflict)
    }
    #expect(try await bench.maps.control(.pause)["state"]?.stringValue == "paused")
    do {
      _ = try await bench.maps.control(.pause)
      Issue.record("paused twice")
    } catch {
      #expect(error.kind == .conflict)
    }
    #expect(try await bench.maps.control(.resume)["state"]?.stringValue == "running")
    let aborted = try await bench.maps.control(.abort)
    #expect(aborted["state"]?.stringValue == "aborted")
    #expect(bench.events.compactMap(Self.state) == ["running", "paused", "running", "aborted"])
    do {
      _ = try bench.maps.start(plan)
      Issue.record("a used map id was accepted")
    } catch {
      #expect(error.kind == .invalid)
      #expect(error.description.hasPrefix("map_id:"))
    }
    await bench.stop()

    // The map-end says aborted, after every acquisition of the map: a restart leaves it alone.
    let records = try bench.records()
    let decoded = try mapRecords(records)
    guard case .mapEnd(let end)? = decoded.last else {
      Issue.record("no map-end: \(decoded)")
      return
    }
    #expect(end.state == .aborted && end.mapID == plan.id)
    #expect(MapResume.unfinishedPlans(in: decoded).isEmpty)
    let slots = mapSlots(records, mapID: plan.id)
    #expect(Set(slots).count == slots.count)
    #expect(end.pointsDone <= plan.grid.points.count)
  }

  @Test func aMapBeyondTheStagesTravelEndsBeforeItMovesAndLaterOnesAreRefusedAtStart()
    async throws
  {
    let bench = try MapBench()
    defer { bench.remove() }
    await bench.start()
    // The simulated stage travels x ±50 mm: the last column of this map lies beyond it.
    let beyond = try ScanPlan(
      id: "m-beyond",
      region: .rectangle(origin: StagePosition(x: 49_800, y: 0), width: 400, height: 200),
      step: 100, exposures: ScanExposures(ramanSeconds: 0.1))
    _ = try bench.maps.start(beyond)
    #expect(await bench.waitForMapEvent { Self.state($0) == "aborted" })
    let current = try bench.maps.current()
    let reason = try #require(current["reason"]?.stringValue)
    #expect(reason.contains("point 3 (column 3, row 0) at x 50100, y 0 µm"), "\(reason)")
    #expect(reason.contains("x -50000…50000 µm"), "\(reason)")

    // The travel is known now: a map that leaves it is refused before it is recorded.
    let later = try ScanPlan(
      id: "m-later",
      region: .rectangle(origin: StagePosition(x: 0, y: 34_900), width: 0, height: 200),
      step: 100, exposures: ScanExposures(ramanSeconds: 0.1))
    do {
      _ = try bench.maps.start(later)
      Issue.record("a map beyond the known travel was accepted")
    } catch {
      #expect(error.kind == .invalid)
      #expect(error.description.hasPrefix("region: point 2 (column 0, row 2)"), "\(error)")
    }
    await bench.stop()

    let records = try bench.records()
    #expect(mapSlots(records, mapID: beyond.id).isEmpty, "no point of the map was measured")
    #expect(mapSlots(records, mapID: later.id).isEmpty)
    let decoded = try mapRecords(records)
    guard case .mapEnd(let end)? = decoded.last else {
      Issue.record("no map-end: \(decoded)")
      return
    }
    #expect(end.mapID == beyond.id && end.state == .aborted && end.reason == reason)
    #expect(MapResume.unfinishedPlans(in: decoded).isEmpty, "a restart does not try it again")
  }

  @Test func planJSONErrorsNameTheMember() async throws {
    let bench = try MapBench()
    defer { bench.remove() }
    func refusal(_ text: String) -> String? {
      do {
        _ = try bench.maps.start(planJSON: Array(text.utf8))
        return nil
      } catch {
        return error.description
      }
    }

    let region = #""region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":100,"height_um":100}"#
    #expect(
      refusal(#"{"map_id":"a",\#(region),"exposures":{"raman_s":1}}"#)?.hasPrefix("step_um:")
        == true)
    #expect(
      refusal(#"{"map_id":"a",\#(region),"step_um":10,"exposures":{"raman_s":-1}}"#)?
        .hasPrefix("exposures.raman_s:") == true)
    #expect(
      refusal(#"{"map_id":"a",\#(region),"step_um":10,"exposures":{"raman_s":1},"speed":3}"#)?
        .hasPrefix("speed:") == true)
    #expect(
      refusal(#"{"map_id":"a","region":{"type":"circle"},"step_um":10,"exposures":{"raman_s":1}}"#)?
        .hasPrefix("region.type:") == true)
    #expect(refusal("not json")?.hasPrefix("body is not JSON") == true)
    await bench.spool.pump.finish()
  }
}
