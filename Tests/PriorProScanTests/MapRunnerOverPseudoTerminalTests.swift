import Mapping
import PriorProScan
import Simulation
import Synchronization
import Testing
import WhitlockCore

/// A map run on the emulated ProScan over a pseudo-terminal, killed at random slots and
/// restarted from what was recorded, until complete: every slot is recorded exactly once.
@Suite struct MapRunnerOverPseudoTerminalTests {
  struct Killed: Error {}

  /// The acquisitions that reached the spool, in order, with the stage position measured.
  final class Spool: Sendable {
    let records = Mutex<[(MapSlot, StagePosition)]>([])
    var slots: [MapSlot] { records.withLock { $0.map(\.0) } }
  }

  @Test(arguments: [3, 11, 29])
  func aMapKilledAtRandomSlotsFinishesWithNoneTwiceAndNoneMissing(seed: Int) async throws {
    let plan = try ScanPlan(
      id: "map-\(seed)",
      region: .rectangle(origin: StagePosition(x: 1000, y: 2000), width: 250, height: 200),
      step: 50, order: .snake, settleSeconds: 0.001,
      exposures: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 1), repeats: 1)
    let all = plan.allSlots()
    let bench = try ProScanBench()
    let spool = Spool()
    var generator = SeededKills(seed: UInt64(seed))
    var restarts = 0
    while spool.slots.count < all.count {
      // A restarted daemon: a new driver, the line drained at open, the work left from the spool.
      let stage = bench.stage()
      _ = try await stage.open()
      let survives = generator.next(upTo: all.count / 3 + 2)
      let attempts = Mutex(0)
      let runner = MapRunner(plan: plan, stage: stage)
      do {
        _ = try await runner.run(recorded: Set(spool.slots)) { slot, _, measured in
          let attempt = attempts.withLock { count -> Int in
            count += 1
            return count
          }
          // The kill comes during the exposure of slot number `survives + 1`: it is not recorded.
          if attempt > survives { throw Killed() }
          spool.records.withLock { $0.append((slot, measured)) }
        }
      } catch is Killed {
        restarts += 1
      }
      await stage.close()
      #expect(restarts < 100, "no progress")
      if restarts >= 100 { break }
    }
    #expect(restarts > 0, "the map was interrupted at least once")
    #expect(spool.slots == all, "every slot once, in plan order")
    let points = plan.grid.points
    for (slot, measured) in spool.records.withLock({ $0 }) {
      #expect(measured.axisDistance(to: points[slot.pointIndex].position) < 1, "\(slot)")
    }
    await bench.stop()
  }

  /// Cancelling a run while the stage moves halts the stage and ends the run.
  @Test func cancellingARunStopsTheStage() async throws {
    let plan = try ScanPlan(
      id: "far", region: .rectangle(origin: StagePosition(x: 0, y: 0), width: 40_000, height: 0),
      step: 40_000, exposures: ScanExposures(ramanSeconds: 0.1))
    let bench = try ProScanBench()
    let stage = bench.stage()
    _ = try await stage.open()
    let spool = Spool()
    let run = Task {
      try await MapRunner(plan: plan, stage: stage).run(recorded: []) { slot, _, measured in
        spool.records.withLock { $0.append((slot, measured)) }
      }
    }
    while spool.slots.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
    run.cancel()
    await #expect(throws: CancellationError.self) { _ = try await run.value }
    let halted = try await stage.position()
    #expect(halted.x < 40_000, "the 40 mm move was halted")
    #expect(spool.slots.count == 1)
    await stage.close()
    await bench.stop()
  }
}

/// A seeded choice of how many acquisitions a run survives (SplitMix64).
struct SeededKills {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next(upTo bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
  }
}
