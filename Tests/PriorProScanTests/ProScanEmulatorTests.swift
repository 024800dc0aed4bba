import PriorProScan
import Simulation
import Testing
import WhitlockCore

/// The emulated controller, driven line by line with explicit times (no waiting).
@Suite struct ProScanEmulatorTests {
  let t0 = ContinuousClock.now

  private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .seconds(seconds) }

  @Test func propertyCommandsAnswerAtOnce() {
    var device = ProScanEmulator()
    #expect(device.receive("COMP,0", at: t0) == ["0"])
    #expect(device.receive("COMP", at: t0) == ["0"])
    #expect(device.receive("RES,s", at: t0) == ["1"])
    #expect(device.receive("PS", at: t0) == ["0,0"])
    #expect(device.receive("$", at: t0) == ["0"])
    #expect(device.receive("SMS", at: t0) == ["100"])
    #expect(device.receive("SMS,50", at: t0) == ["0"])
    #expect(device.receive("SMS,0", at: t0) == ["E,10"])
    #expect(device.receive("NOPE", at: t0) == ["E,5"])
    #expect(device.receive("G,1", at: t0) == ["E,4"])
  }

  /// `G` is answered once, with `R`, when the modelled move ends; `$` and `PS` follow the move.
  @Test func aMoveIsAnsweredAtItsEnd() {
    var device = ProScanEmulator()
    #expect(device.receive("G,10000,0", at: t0).isEmpty)
    #expect(device.nextDue() == at(1.1))
    #expect(device.receive("$", at: at(0.5)) == ["1"])
    let halfway = device.receive("PS", at: at(0.55))
    #expect(halfway == ["5000,0"])
    #expect(device.due(at: at(1.0)).isEmpty)
    #expect(device.due(at: at(1.1)) == ["R"])
    #expect(device.receive("$", at: at(1.2)) == ["0"])
    #expect(device.receive("PS", at: at(1.2)) == ["10000,0"])
    #expect(device.movesCompleted == 1)
  }

  @Test func movesQueueUpToTheCapacityThenQueueFull() {
    var settings = ProScanEmulatorSettings()
    settings.queueCapacity = 2
    var device = ProScanEmulator(settings: settings)
    #expect(device.receive("G,100,0", at: t0).isEmpty)
    #expect(device.receive("G,200,0", at: t0).isEmpty)
    #expect(device.receive("G,300,0", at: t0).isEmpty)
    #expect(device.receive("G,400,0", at: t0) == ["E,18"])
    #expect(device.movesPending == 3)
    // Queued moves run back to back: three R, each at the end of its own move.
    let end = at(10)
    #expect(device.due(at: end) == ["R", "R", "R"])
    #expect(device.receive("PS", at: end) == ["300,0"])
  }

  @Test func aTargetOutsideTheTravelIsRefusedAndNothingMoves() {
    var device = ProScanEmulator()
    #expect(device.receive("G,60000,0", at: t0) == ["E,8"])
    #expect(device.receive("GR,0,-40000", at: t0) == ["E,8"])
    #expect(device.nextDue() == nil)
    #expect(device.receive("PS", at: at(1)) == ["0,0"])
    #expect(device.movesAccepted == 0)
  }

  @Test func killHaltsOnTheSpotAndEmptiesTheQueue() {
    var device = ProScanEmulator()
    _ = device.receive("G,10000,0", at: t0)
    _ = device.receive("G,0,0", at: t0)
    #expect(device.receive("K", at: at(0.55)) == ["R"])
    #expect(device.nextDue() == nil)
    #expect(device.due(at: at(5)).isEmpty, "a halted move sends no R of its own")
    #expect(device.receive("PS", at: at(5)) == ["5000,0"])
  }

  @Test func resolutionScalesPositionUnits() {
    var device = ProScanEmulator()
    #expect(device.receive("RES,s,0.1", at: t0) == ["0"])
    #expect(device.receive("RES,s", at: t0) == ["0.1"])
    _ = device.receive("G,1000,-500", at: t0)
    _ = device.due(at: at(5))
    #expect(device.position(at: at(5)) == StagePosition(x: 100, y: -50))
    #expect(device.receive("PS", at: at(5)) == ["1000,-500"])
  }

  @Test func compatibilityModeDoesNotQueue() {
    var device = ProScanEmulator()
    #expect(device.receive("COMP,1", at: t0) == ["1"])
    _ = device.receive("G,100,0", at: t0)
    #expect(device.receive("G,200,0", at: t0) == ["E,2"])
  }

  @Test func halfSpeedDoublesTheCruise() {
    var device = ProScanEmulator()
    _ = device.receive("SMS,50", at: t0)
    _ = device.receive("G,10000,0", at: t0)
    // 10 mm at 5 mm/s and 0.1 m/s²: 2 s + 0.05 s.
    #expect(device.nextDue() == at(2.05))
  }
}
