import Foundation
import PriorProScan
import Simulation
import Testing
import Transports
import WhitlockCore

/// `ProScanStage` over a real `SerialPort` on a pseudo-terminal served by the emulator.
@Suite struct ProScanOverPseudoTerminalTests {
  @Test func opensMovesAndSettlesOnTheTarget() async throws {
    let bench = try ProScanBench()
    let stage = bench.stage()
    let identity = try await stage.open()
    #expect(identity.family == "prior-proscan")
    #expect(identity.controller.contains("1 µm per unit"))
    #expect(await stage.staleBytesAtLastOpen == 0)
    let target = StagePosition(x: 1234, y: -567)
    try await stage.moveAbsolute(to: target)
    await #expect(throws: StageError.moveInProgress) { _ = try await stage.position() }
    let settled = try await stage.waitUntilSettled(timeout: .seconds(30))
    #expect(settled == target)
    #expect(try await stage.position() == target)
    await stage.close()
    await bench.stop()
  }

  @Test func resolutionAndSpeedAreSetAndUsed() async throws {
    var device = ProScanEmulatorSettings()
    device.resolution = 0.1
    let bench = try ProScanBench(settings: device)
    var settings = ProScanBench.patientSettings
    settings.maximumSpeedPercent = 50
    settings.accelerationPercent = 80
    let stage = bench.stage(settings)
    _ = try await stage.open()
    #expect(await stage.micrometresPerUnit == 0.1)
    try await stage.moveAbsolute(to: StagePosition(x: 12.3, y: 4.5))
    #expect(
      try await stage.waitUntilSettled(timeout: .seconds(30)).axisDistance(
        to: StagePosition(x: 12.3, y: 4.5)) < 1e-9)
    await stage.close()
    await bench.stop()
  }

  @Test func aTargetOutsideTheTravelIsATypedErrorAndTheStageStays() async throws {
    let bench = try ProScanBench()
    let stage = bench.stage()
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 100, y: 100))
    _ = try await stage.waitUntilSettled(timeout: .seconds(30))
    let outside = StagePosition(x: 60_000, y: 0)
    try await stage.moveAbsolute(to: outside)
    await #expect(throws: StageError.targetOutOfRange(outside, reason: "E,8 (VALUE OUT OF RANGE)"))
    {
      _ = try await stage.waitUntilSettled(timeout: .seconds(30))
    }
    #expect(try await stage.position() == StagePosition(x: 100, y: 100))
    await stage.close()
    await bench.stop()
  }

  @Test func aFullQueueRefusesTheMoveAndTheEarlierOneStillEnds() async throws {
    var device = ProScanEmulatorSettings()
    device.queueCapacity = 0
    // A slow first move (5 mm at 200 µm/s: 25 s) is still on its way when the second command
    // arrives, however loaded the machine.
    device.topSpeed = 200
    let bench = try ProScanBench(settings: device)
    let stage = bench.stage()
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 5000, y: 0))
    try await stage.moveAbsolute(to: StagePosition(x: 0, y: 5000))
    await #expect(throws: StageError.queueFull) {
      _ = try await stage.waitUntilSettled(timeout: .seconds(30))
    }
    #expect(try await stage.waitUntilSettled(timeout: .seconds(90)) == StagePosition(x: 5000, y: 0))
    await stage.close()
    await bench.stop()
  }

  @Test func stopHaltsAMoveOnTheWay() async throws {
    let bench = try ProScanBench()
    let stage = bench.stage()
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 40_000, y: 0))
    try await stage.stop()
    let halted = try await stage.position()
    #expect(halted.x < 40_000, "a 40 mm move takes over 4 s; K came long before its end")
    #expect(try await stage.waitUntilSettled(timeout: .seconds(5)) == halted)
    await stage.close()
    await bench.stop()
  }

  /// Unplugged while moving: the wait fails as a disconnection; plugged in again with stale
  /// bytes in the line, the reopened driver drains them, halts the old move and works.
  @Test func unpluggedMidMoveThenReopenedWithStaleBytes() async throws {
    let bench = try ProScanBench(unplugAfterMoves: 2)
    let stage = bench.stage()
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 200, y: 0))
    _ = try await stage.waitUntilSettled(timeout: .seconds(30))
    try await stage.moveAbsolute(to: StagePosition(x: 40_000, y: 0))
    do {
      _ = try await stage.waitUntilSettled(timeout: .seconds(60))
      Issue.record("the wait survived an unplugged line")
    } catch StageError.disconnected {
    } catch {
      Issue.record("expected .disconnected, got \(error)")
    }
    await stage.close()
    let server = await bench.unplugged()
    #expect(server.device.movesAccepted == 2)
    try bench.plugIn(server)
    let stale = Array("R\r-3,17\rE,8\r".utf8)
    try await bench.master.write(stale, deadline: .now + .seconds(5))
    _ = try await stage.open()
    #expect(await stage.staleBytesAtLastOpen >= stale.count)
    let target = StagePosition(x: -2500, y: 1500)
    try await stage.moveAbsolute(to: target)
    #expect(try await stage.waitUntilSettled(timeout: .seconds(60)) == target)
    await stage.close()
    await bench.stop()
  }

  /// A client that sent `PS` and died before reading: its answer waits in the line and is
  /// drained, never taken for the answer to ours.
  @Test func aDeadClientsReplyIsDrainedAtOpen() async throws {
    let bench = try ProScanBench()
    let descriptor = open(bench.path, O_RDWR | O_NOCTTY)
    #expect(descriptor >= 0)
    var raw = termios()
    tcgetattr(descriptor, &raw)
    cfmakeraw(&raw)
    tcsetattr(descriptor, TCSANOW, &raw)
    let request =
      ProScanCommand.moveAbsolute(x: 700, y: 0).encoded + ProScanCommand.position.encoded
    #expect(
      request.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == request.count)
    var pending: Int32 = 0
    let deadline = ContinuousClock.now + .seconds(300)
    while ContinuousClock.now < deadline {
      _ = ioctl(descriptor, UInt(FIONREAD), &pending)
      if pending >= 4 { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    close(descriptor)
    let stage = bench.stage()
    _ = try await stage.open()
    #expect(await stage.staleBytesAtLastOpen >= 4)
    let here = try await stage.position()
    #expect(here.x >= 0 && here.x <= 700 && here.y == 0)
    try await stage.moveAbsolute(to: StagePosition(x: 10, y: 10))
    #expect(try await stage.waitUntilSettled(timeout: .seconds(30)) == StagePosition(x: 10, y: 10))
    await stage.close()
    await bench.stop()
  }

  @Test func callsOnAClosedStageThrowNotOpen() async throws {
    let bench = try ProScanBench()
    let stage = bench.stage()
    await #expect(throws: StageError.notOpen) { _ = try await stage.position() }
    await #expect(throws: StageError.notOpen) {
      try await stage.moveAbsolute(to: StagePosition(x: 0, y: 0))
    }
    await bench.stop()
  }
}
