import Testing

@testable import WhitlockDaemon

/// The live page's trend history: bounded, oldest first, the newest kept when full.
@Suite struct RecentFractionsTests {
  private func point(_ seq: UInt64) -> RecentFractions.Point {
    RecentFractions.Point(
      deviceSequence: seq, time: "t\(seq)", fraction: Double(seq) / 1000, sigma: 0.01,
      phase: "whitlockite")
  }

  @Test func keepsPointsOldestFirstUntilFull() {
    var recent = RecentFractions()
    for seq in 1...5 { recent.append(point(UInt64(seq))) }
    #expect(recent.points.map(\.deviceSequence) == [1, 2, 3, 4, 5])
  }

  @Test func dropsTheOldestOnceFull() {
    var recent = RecentFractions()
    let total = RecentFractions.capacity + 37
    for seq in 1...total { recent.append(point(UInt64(seq))) }
    let kept = recent.points.map(\.deviceSequence)
    #expect(kept.count == RecentFractions.capacity)
    #expect(kept.first == UInt64(total - RecentFractions.capacity + 1))
    #expect(kept.last == UInt64(total))
    #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 + 1 == $1 }, "in order across the wrap")
  }

  @Test func servesEachPointWithItsSigmaAndPhase() {
    var recent = RecentFractions()
    recent.append(point(7))
    recent.append(
      RecentFractions.Point(
        deviceSequence: 8, time: "t8", fraction: 0.5, sigma: nil, phase: nil))
    guard case .array(let items) = recent.jsonValue else {
      Issue.record("not an array")
      return
    }
    #expect(items.count == 2)
    #expect(items[0]["device_seq"]?.doubleValue == 7)
    #expect(items[0]["phase"]?.stringValue == "whitlockite")
    #expect(items[1]["whitlockite_fraction_sigma"] == .null)
  }
}
