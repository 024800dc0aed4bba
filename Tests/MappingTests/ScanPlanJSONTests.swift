import Mapping
import Testing
import WhitlockCore

/// Plans as operators send them: defaults, polygons, and errors naming the member.
@Suite struct ScanPlanJSONTests {
  private func plan(_ text: String) throws -> ScanPlan {
    try ScanPlan(json: try JSONParser.parse(Array(text.utf8)))
  }

  private func refusal(_ text: String) -> ScanPlanError? {
    do {
      _ = try plan(text)
      return nil
    } catch let error as ScanPlanError {
      return error
    } catch {
      return ScanPlanError(member: "", problem: "\(error)")
    }
  }

  @Test func optionalMembersTakeTheirDefaultsAndTheRecordValueReadsBack() throws {
    let parsed = try plan(
      #"{"map_id":"m","region":{"type":"polygon","vertices_um":[[0,0],[200,0],[0,200]]},"step_um":100,"exposures":{"xrf_s":2}}"#
    )
    #expect(parsed.order == .snake && parsed.settleSeconds == 0 && parsed.repeats == 1)
    #expect(parsed.exposures.techniques == [.xrf])
    #expect(parsed.grid.points.count == 6)
    // The record's plan (with `points`) is itself a valid request for the same plan.
    #expect(try ScanPlan(json: parsed.recordValue) == parsed)
  }

  @Test(arguments: [
    (#"{"region":{}}"#, "map_id"),
    (#"{"map_id":"m","step_um":1,"exposures":{"raman_s":1}}"#, "region"),
    (
      #"{"map_id":"m","region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":10},"step_um":1,"exposures":{"raman_s":1}}"#,
      "region.height_um"
    ),
    (
      #"{"map_id":"m","region":{"type":"polygon","vertices_um":[[0,0],[1],[2,2]]},"step_um":1,"exposures":{"raman_s":1}}"#,
      "region.vertices_um[1]"
    ),
    (
      #"{"map_id":"m","region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":10,"height_um":10},"step_um":1,"order":"spiral","exposures":{"raman_s":1}}"#,
      "order"
    ),
    (
      #"{"map_id":"m","region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":10,"height_um":10},"step_um":1,"exposures":{"ir_s":1}}"#,
      "exposures.ir_s"
    ),
    (
      #"{"map_id":"m","region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":10,"height_um":10},"step_um":1,"exposures":{"raman_s":1},"repeats":1.5}"#,
      "repeats"
    ),
    (
      #"{"map_id":"m","region":{"type":"rectangle","x_um":0,"y_um":0,"width_um":10,"height_um":10},"step_um":1,"exposures":{}}"#,
      "exposures"
    ),
  ])
  func mistakesNameTheMember(text: String, member: String) {
    #expect(refusal(text)?.member == member, "\(String(describing: refusal(text)))")
  }
}
