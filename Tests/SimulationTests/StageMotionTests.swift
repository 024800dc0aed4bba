import Simulation
import Testing
import WhitlockCore

/// The trapezoidal move-time model of the emulated stages.
@Suite struct StageMotionTests {
  let axis = StageAxisMotion(speed: 10_000, acceleration: 100_000)

  /// A long move reaches top speed: d/v + v/a. 10 mm at 10 mm/s and 0.1 m/s²: 1 s + 0.1 s.
  @Test func longMovesCruise() {
    #expect(abs(axis.duration(distance: 10_000) - 1.1) < 1e-12)
    #expect(abs(axis.duration(distance: -10_000) - 1.1) < 1e-12)
  }

  /// A short move never reaches top speed: 2·√(d/a). 100 µm: 2·√(1 ms²) = 63.2 ms.
  @Test func shortMovesAreTriangles() {
    #expect(abs(axis.duration(distance: 100) - 2 * (100.0 / 100_000).squareRoot()) < 1e-12)
    #expect(axis.duration(distance: 0) == 0)
    // The two formulas meet at d = v²/a = 1000 µm.
    #expect(abs(axis.duration(distance: 1000) - 0.2) < 1e-12)
  }

  @Test func travelledGrowsFromZeroToTheDistance() {
    for distance in [50.0, 1000, 12_345] {
      let total = axis.duration(distance: distance)
      var last = -1.0
      for step in 0...100 {
        let covered = axis.travelled(after: total * Double(step) / 100, distance: distance)
        #expect(covered >= last - 1e-9)
        last = covered
      }
      #expect(axis.travelled(after: 0, distance: distance) == 0)
      #expect(abs(axis.travelled(after: total, distance: distance) - distance) < 1e-9)
      #expect(abs(axis.travelled(after: total / 2, distance: distance) - distance / 2) < 1e-6)
    }
  }

  @Test func anXYMoveEndsWhenTheSlowerAxisArrives() {
    let start = ContinuousClock.now
    let move = StageMove(
      from: StagePosition(x: 0, y: 0), to: StagePosition(x: 10_000, y: -100), startedAt: start,
      x: axis, y: axis)
    #expect(abs(move.seconds - 1.1) < 1e-12)
    let early = move.moving(at: start + .milliseconds(500))
    #expect(early.x && !early.y)
    #expect(move.position(at: start + .milliseconds(500)).y == -100)
    #expect(move.position(at: start + .seconds(2)) == StagePosition(x: 10_000, y: -100))
    let late = move.moving(at: start + .seconds(2))
    #expect(!late.x && !late.y)
  }
}
