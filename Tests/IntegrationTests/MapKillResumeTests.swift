import Foundation
import TestSupport
import Testing

/// The real `whitlockd` mapping on its simulated stage, killed with SIGKILL at a random point
/// and restarted: the map finishes with no slot twice and none missing.
@Suite(.serialized) struct MapKillResumeTests {
  @Test func aMapKilledMidwayAndRestartedRecordsEverySlotOnce() async throws {
    // The kill point is drawn from this seed; WHITLOCK_MAP_KILL_SEED repeats a run.
    let seed =
      ProcessInfo.processInfo.environment["WHITLOCK_MAP_KILL_SEED"].flatMap { UInt64($0) }
      ?? UInt64.random(in: 1...UInt64(UInt32.max))
    print("map kill seed \(seed) (WHITLOCK_MAP_KILL_SEED=\(seed) repeats it)")
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-map-kill-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let outcome = try await MapKillResume().run(seed: seed, in: directory)
    print(
      "map kill seed \(seed): killed at \(outcome.killedAt) of \(outcome.slots) slots, "
        + "\(outcome.spooled) spooled, \(outcome.duplicated) duplicated, \(outcome.missing) missing"
    )
    #expect(outcome.killedAt.allSatisfy { $0 > 0 && $0 < outcome.slots }, "killed mid-map")
    #expect(outcome.duplicated == 0, "seed \(seed)")
    #expect(outcome.missing == 0, "seed \(seed)")
    #expect(outcome.spooled == outcome.slots)
    #expect(outcome.endStates == ["complete"], "\(outcome.log)")
  }
}
