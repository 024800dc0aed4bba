import Foundation
import MarzhauserTango
import PriorProScan
import TestSupport
import Testing
import Transports
import WhitlockCore

/// The stage drivers against the real `whitlock-sim proscan` and `whitlock-sim tango` processes
/// over their pseudo-terminals: the driver and the simulator share nothing but bytes, the device
/// path is the simulator's symlink, and an unplugged line comes back on a new pseudo-terminal.
@Suite(.serialized, .processHeavy) struct StageSimulatorTests {
  private func link(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "whitlock-\(name)-\(UUID().uuidString)"
    ).path
  }

  private func start(_ family: String, link: String, _ options: [String] = []) async throws
    -> ChildProcess
  {
    let simulator = try ChildProcess(
      try ProductsDirectory.executable("whitlock-sim"), [family, "--link", link] + options)
    let ready = await simulator.wait(upTo: .seconds(60)) {
      $0.standardOutput.contains("whitlock-sim \(family):")
    }
    #expect(ready, "simulator did not start: \(simulator.standardError)")
    return simulator
  }

  @Test func proscanMovesThenSurvivesAnUnplug() async throws {
    let path = link("proscan")
    let simulator = try await start(
      "proscan", link: path, ["--unplug-after-moves", "2", "--reconnect-delay", "0.2"])
    let stage = ProScanStage(name: "proscan") { try SerialPort.open(path: path, baudRate: 9600) }
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 500, y: 250))
    #expect(
      try await stage.waitUntilSettled(timeout: .seconds(60)) == StagePosition(x: 500, y: 250))
    try await stage.moveAbsolute(to: StagePosition(x: 30_000, y: 250))
    await #expect(throws: StageError.self) {
      _ = try await stage.waitUntilSettled(timeout: .seconds(60))
    }
    await stage.close()
    let back = await simulator.wait(upTo: .seconds(60)) {
      $0.standardOutput.contains("plugged in again")
    }
    #expect(back, "\(simulator.standardOutput)")
    _ = try await stage.open()
    try await stage.moveAbsolute(to: StagePosition(x: 100, y: 100))
    #expect(
      try await stage.waitUntilSettled(timeout: .seconds(60)) == StagePosition(x: 100, y: 100))
    await stage.close()
    simulator.send(SIGTERM)
    #expect(await simulator.waitForExit(upTo: .seconds(30)) == 0)
  }

  @Test func tangoReportsItsTravelAndMoves() async throws {
    let path = link("tango")
    let simulator = try await start(
      "tango", link: path, ["--travel-x", "50000", "--travel-y", "40000"])
    let stage = TangoStage(name: "tango") { try SerialPort.open(path: path, baudRate: 57_600) }
    let identity = try await stage.open()
    #expect(identity.travel == StageTravel(x: 0...50_000, y: 0...40_000))
    let target = StagePosition(x: 2500.5, y: 1200)
    try await stage.moveAbsolute(to: target)
    #expect(try await stage.waitUntilSettled(timeout: .seconds(60)) == target)
    await #expect(
      throws: StageError.targetOutOfRange(
        StagePosition(x: 60_000, y: 0), reason: "error 32 (move discarded, target outside limit)")
    ) {
      try await stage.moveAbsolute(to: StagePosition(x: 60_000, y: 0))
    }
    await stage.close()
    simulator.send(SIGTERM)
    #expect(await simulator.waitForExit(upTo: .seconds(30)) == 0)
  }
}
