import Testing
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl map status` in words: the state, the progress, the plan, and why the daemon
/// stopped a map itself.
@Suite struct MapDescriptionTests {
  private static let plan = JSONValue.object([
    ("order", .string("snake")), ("step_um", .double(50)),
    ("exposures", .object([("raman_s", .double(1)), ("xrf_s", .double(2.5))])),
    ("repeats", .int(2)),
  ])

  @Test func aRunningMapNamesItsProgressAndPlan() {
    let map = JSONValue.object([
      ("map_id", .string("biopsy-17-a")), ("state", .string("running")),
      ("points_done", .int(37)), ("points_total", .int(99)), ("plan", Self.plan),
    ])
    #expect(
      MapPlanRequest.describe(map)
        == "map biopsy-17-a running: 37/99 points (snake, step 50 µm, raman 1 s, xrf 2.5 s, × 2)")
  }

  @Test func aMapTheDaemonStoppedSaysWhy() {
    let reason = "point 3 (column 3, row 0) at x 50100, y 0 µm lies outside the stage's travel"
    let map = JSONValue.object([
      ("map_id", .string("m")), ("state", .string("aborted")), ("points_done", .int(0)),
      ("points_total", .int(15)), ("reason", .string(reason)),
    ])
    #expect(MapPlanRequest.describe(map) == "map m aborted: 0/15 points\n  stopped: \(reason)")
  }
}
