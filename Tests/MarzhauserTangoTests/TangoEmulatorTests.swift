import MarzhauserTango
import Simulation
import Testing
import WhitlockCore

/// The emulated controller, driven line by line with explicit times (no waiting).
@Suite struct TangoEmulatorTests {
  let t0 = ContinuousClock.now

  private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .seconds(seconds) }

  @Test func instructionsAreSilentAndQuestionsAnswered() {
    var device = TangoEmulator()
    #expect(device.receive("!autostatus 0", at: t0).isEmpty)
    #expect(device.receive("!dim 1 1", at: t0).isEmpty)
    #expect(device.receive("?version", at: t0).first?.contains("TANGO") == true)
    #expect(device.receive("?lim x", at: t0) == ["0.000 100000.000"])
    #expect(device.receive("?pos", at: t0) == ["0.000 0.000"])
    #expect(device.receive("?statusaxis", at: t0) == ["@@--"])
    #expect(device.receive("?err", at: t0) == ["0"])
  }

  /// 20 mm at 20 mm/s and 0.2 m/s²: 1 s + 0.1 s.
  @Test func aMoveFollowsTheModel() {
    var device = TangoEmulator()
    #expect(device.receive("!moa 20000 100", at: t0).isEmpty)
    #expect(device.receive("?statusaxis", at: at(0.5)) == ["M@--"])
    #expect(device.receive("?statusaxis", at: at(1.09)) == ["M@--"])
    #expect(device.receive("?statusaxis", at: at(1.1)) == ["@@--"])
    #expect(device.receive("?pos", at: at(1.2)) == ["20000.000 100.000"])
  }

  @Test func refusalsAreKeptForErrAndClearedByReadingIt() {
    var device = TangoEmulator()
    #expect(device.receive("!moa 200000 0", at: t0).isEmpty)
    #expect(device.receive("?err", at: t0) == ["32"])
    #expect(device.receive("?err", at: t0) == ["0"])
    #expect(device.receive("?pos", at: t0) == ["0.000 0.000"], "nothing moved")
    _ = device.receive("moa 1 2", at: t0)
    #expect(device.receive("?err", at: t0) == ["7"])
    _ = device.receive("!" + String(repeating: "x", count: 80), at: t0)
    #expect(device.receive("?err", at: t0) == ["3"])
    _ = device.receive("?lim z", at: t0)
    #expect(device.receive("?err", at: t0) == ["1"])
  }

  @Test func abortStopsOnTheSpot() {
    var device = TangoEmulator()
    _ = device.receive("!moa 20000 0", at: t0)
    _ = device.receive("!a", at: at(0.55))
    #expect(device.receive("?statusaxis", at: at(0.6)) == ["@@--"])
    #expect(device.receive("?pos", at: at(5)) == ["10000.000 0.000"])
  }

  @Test func aMoveDuringAMoveStartsFromWhereTheStageIs() {
    var device = TangoEmulator()
    _ = device.receive("!moa 20000 0", at: t0)
    _ = device.receive("!moa 0 0", at: at(0.55))
    #expect(device.position(at: at(0.55)).axisDistance(to: StagePosition(x: 10_000, y: 0)) < 1e-6)
    #expect(device.receive("?pos", at: at(5)) == ["0.000 0.000"])
    #expect(device.movesAccepted == 2)
  }
}
