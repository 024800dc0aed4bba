import Mapping
import Testing
import WhitlockCore

/// The resume rule under crashes at random points: every slot is acquired exactly once.
@Suite struct MapResumeTests {
  /// A small deterministic generator (SplitMix64), so a failure names a seed that repeats it.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  private func randomPlan(_ random: inout SplitMix) throws -> ScanPlan {
    let exposures: ScanExposures =
      switch Int.random(in: 0..<3, using: &random) {
      case 0: ScanExposures(ramanSeconds: 0.1)
      case 1: ScanExposures(xrfSeconds: 1)
      default: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 1)
      }
    let region: ScanRegion =
      Bool.random(using: &random)
      ? .rectangle(
        origin: StagePosition(x: -50, y: 10),
        width: Double(Int.random(in: 0...8, using: &random)) * 5,
        height: Double(Int.random(in: 0...8, using: &random)) * 5)
      : .polygon([
        StagePosition(x: 0, y: 0), StagePosition(x: 40, y: 5), StagePosition(x: 30, y: 35),
        StagePosition(x: 5, y: 25),
      ])
    return try ScanPlan(
      id: "map", region: region, step: 5, order: Bool.random(using: &random) ? .snake : .raster,
      exposures: exposures, repeats: Int.random(in: 1...3, using: &random))
  }

  /// Runs a map the way the daemon would: take the next point's missing slots in order; a crash
  /// may come after any number of acquisitions (the one in flight is lost, never half-recorded);
  /// on restart the rule picks the work again from what was recorded.
  @Test(arguments: 0..<200)
  func crashesAtRandomPointsLoseAndRepeatNothing(seed: Int) throws {
    var random = SplitMix(state: UInt64(seed))
    let plan = try randomPlan(&random)
    let all = plan.allSlots()
    var recorded: [MapSlot] = []
    var crashes = 0
    while let next = MapResume.nextPoint(plan: plan, recorded: recorded) {
      let done = Set(recorded)
      #expect(next.missing == plan.slots(atPoint: next.point.index).filter { !done.contains($0) })
      #expect(MapResume.remaining(plan: plan, recorded: recorded).first == next.missing.first)
      // This run gets through a random number of acquisitions before it is killed; the one in
      // flight at the kill leaves no record.
      var budget = Int.random(in: 0...(all.count / 2 + 1), using: &random)
      var slots = next.missing
      while budget > 0, let slot = slots.first {
        recorded.append(slot)
        slots.removeFirst()
        budget -= 1
        if slots.isEmpty, let following = MapResume.nextPoint(plan: plan, recorded: recorded) {
          slots = following.missing
        }
      }
      crashes += 1
      guard crashes < 10 * all.count + 10 else {
        Issue.record("no progress after \(crashes) restarts")
        break
      }
    }
    #expect(recorded.count == all.count, "no slot skipped")
    #expect(Set(recorded).count == recorded.count, "no slot twice")
    #expect(recorded == all, "in plan order")
    #expect(MapResume.remaining(plan: plan, recorded: recorded).isEmpty)
  }

  /// A spool may hold a later point without an earlier one (a record lost with its segment):
  /// the earlier point is next, the later is not taken again.
  @Test func aGapIsFilledAndLaterRecordsAreKept() throws {
    let plan = try ScanPlan(
      id: "m", region: .rectangle(origin: StagePosition(x: 0, y: 0), width: 20, height: 0),
      step: 10,
      exposures: ScanExposures(ramanSeconds: 1))
    let recorded = [
      MapSlot(pointIndex: 0, technique: .raman, repeatIndex: 0),
      MapSlot(pointIndex: 2, technique: .raman, repeatIndex: 0),
    ]
    let next = try #require(MapResume.nextPoint(plan: plan, recorded: recorded))
    #expect(next.point.index == 1)
    #expect(MapResume.remaining(plan: plan, recorded: recorded).map(\.pointIndex) == [1])
  }

  /// Slots that are not the plan's (another technique, a point past the end) change nothing.
  @Test func foreignSlotsAreIgnored() throws {
    let plan = try ScanPlan(
      id: "m", region: .rectangle(origin: StagePosition(x: 0, y: 0), width: 10, height: 0),
      step: 10,
      exposures: ScanExposures(ramanSeconds: 1))
    let foreign = [
      MapSlot(pointIndex: 0, technique: .xrf, repeatIndex: 0),
      MapSlot(pointIndex: 7, technique: .raman, repeatIndex: 0),
    ]
    #expect(MapResume.remaining(plan: plan, recorded: foreign) == plan.allSlots())
    #expect(MapResume.nextPoint(plan: plan, recorded: foreign)?.point.index == 0)
  }
}
