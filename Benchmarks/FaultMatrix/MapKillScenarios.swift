import Foundation
import TestSupport

/// A map in the real `whitlockd` (simulated stage, Raman and XRF) killed with SIGKILL at
/// seeded random points and restarted each time: the restarted daemon resumes the map at its
/// first missing slot, and the finished map holds every slot exactly once.
extension Scenarios {
  func mapKillResume() async throws -> [MatrixRow] {
    let scratch = try Scratch("map-kill")
    defer { scratch.remove() }
    let seed = UInt64.random(in: 1...UInt64(UInt32.max))
    var scenario = MapKillResume()
    // One kill per 10 crash cycles, at least 2, at most 8: each restart costs a daemon start.
    scenario.kills = max(2, min(8, crashCycles / 10))
    scenario.columns = 10
    scenario.rows = 8
    let outcome = try await scenario.run(seed: seed, in: scratch.path)
    let ok =
      outcome.duplicated == 0 && outcome.missing == 0 && outcome.spooled == outcome.slots
      && outcome.endStates == ["complete"] && outcome.killedAt.count == scenario.kills
    return [
      MatrixRow(
        scenario: "map killed (SIGKILL) and resumed", cycles: outcome.killedAt.count,
        completed: "\(outcome.slots)", spooled: "\(outcome.spooled)",
        lost: "\(outcome.missing)", duplicated: "\(outcome.duplicated)",
        verdict: ok ? "PASS" : "FAIL",
        notes:
          "seed \(outcome.seed): \(scenario.columns * scenario.rows)-point map, Raman + XRF per "
          + "point, killed after \(outcome.killedAt.map(String.init).joined(separator: ", ")) "
          + "map acquisitions; map-end \(outcome.endStates.joined(separator: ","))")
    ]
  }
}
