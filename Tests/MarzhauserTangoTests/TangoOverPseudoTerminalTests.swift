import Foundation
import MarzhauserTango
import Simulation
import Testing
import Transports
import WhitlockCore

/// `TangoStage` over a real `SerialPort` on a pseudo-terminal served by the emulator.
@Suite struct TangoOverPseudoTerminalTests {
  @Test func opensReadsTheTravelMovesAndSettles() async throws {
    let bench = try TangoBench()
    let stage = bench.stage()
    let identity = try await stage.open()
    #expect(identity.family == "marzhauser-tango")
    #expect(identity.controller.contains("TANGO"))
    #expect(identity.travel == StageTravel(x: 0...100_000, y: 0...75_000))
    let target = StagePosition(x: 1234.5, y: 678.25)
    try await stage.moveAbsolute(to: target)
    #expect(try await stage.waitUntilSettled(timeout: .seconds(30)) == target)
    #expect(try await stage.position() == target)
    await stage.close()
    await bench.stop()
  }

  @Test func aTargetOutsideTheTravelIsRefusedAtOnceAndNothingMoves() async throws {
    let bench = try TangoBench()
    let stage = bench.stage()
    _ = try await stage.open()
    let outside = StagePosition(x: -10, y: 0)
    await #expect(
      throws: StageError.targetOutOfRange(
        outside, reason: "error 32 (move discarded, target outside limit)")
    ) {
      try await stage.moveAbsolute(to: outside)
    }
    #expect(try await stage.position() == StagePosition(x: 0, y: 0))
    await stage.close()
    await bench.stop()
  }

  @Test func stopHaltsAMoveOnTheWay() async throws {
    let bench = try TangoBench()
    let stage = bench.stage()
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 90_000, y: 0))
    try await stage.stop()
    let halted = try await stage.waitUntilSettled(timeout: .seconds(5))
    #expect(halted.x < 90_000)
    await stage.close()
    await bench.stop()
  }

  @Test func aSettleTimeoutNamesTheTarget() async throws {
    let bench = try TangoBench()
    let stage = bench.stage()
    _ = try await stage.open()
    let far = StagePosition(x: 90_000, y: 70_000)
    try await stage.moveAbsolute(to: far)
    await #expect(throws: StageError.settleTimeout(after: .milliseconds(50), target: far)) {
      _ = try await stage.waitUntilSettled(timeout: .milliseconds(50))
    }
    try await stage.stop()
    await stage.close()
    await bench.stop()
  }

  /// Unplugged while moving; plugged in again with stale answers in the line: the reopened
  /// driver drains them and works.
  @Test func unpluggedMidMoveThenReopenedWithStaleBytes() async throws {
    let bench = try TangoBench(unplugAfterMoves: 1)
    let stage = bench.stage()
    _ = try await stage.open()
    do {
      try await stage.moveAbsolute(to: StagePosition(x: 80_000, y: 0))
      _ = try await stage.waitUntilSettled(timeout: .seconds(60))
      Issue.record("the move survived an unplugged line")
    } catch StageError.disconnected {
    } catch StageError.timeout {
      // The line went away between the move and its ?err: no answer is a disconnection too.
    } catch {
      Issue.record("expected .disconnected, got \(error)")
    }
    await stage.close()
    let server = await bench.unplugged()
    #expect(server.device.movesAccepted == 1)
    try bench.plugIn(server)
    let stale = Array("M@--\r12.000 0.000\r32\r".utf8)
    try await bench.master.write(stale, deadline: .now + .seconds(5))
    _ = try await stage.open()
    #expect(await stage.staleBytesAtLastOpen >= stale.count)
    let target = StagePosition(x: 500, y: 250)
    try await stage.moveAbsolute(to: target)
    #expect(try await stage.waitUntilSettled(timeout: .seconds(60)) == target)
    await stage.close()
    await bench.stop()
  }

  @Test func aDeadClientsAnswerIsDrainedAtOpen() async throws {
    let bench = try TangoBench()
    let descriptor = open(bench.path, O_RDWR | O_NOCTTY)
    #expect(descriptor >= 0)
    var raw = termios()
    tcgetattr(descriptor, &raw)
    cfmakeraw(&raw)
    tcsetattr(descriptor, TCSANOW, &raw)
    let request = TangoCommand.version.encoded + TangoCommand.position.encoded
    #expect(
      request.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == request.count)
    var pending: Int32 = 0
    let deadline = ContinuousClock.now + .seconds(300)
    while ContinuousClock.now < deadline {
      _ = ioctl(descriptor, UInt(FIONREAD), &pending)
      if pending >= 20 { break }
      try await Task.sleep(for: .milliseconds(10))
    }
    close(descriptor)
    let stage = bench.stage()
    _ = try await stage.open()
    #expect(await stage.staleBytesAtLastOpen >= 20)
    #expect(try await stage.position() == StagePosition(x: 0, y: 0))
    await stage.close()
    await bench.stop()
  }
}
