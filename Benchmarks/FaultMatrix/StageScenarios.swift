import Foundation
import Mapping
import PriorProScan
import Synchronization
import TestSupport
import Transports
import WhitlockCore

/// A map on a stage that is unplugged mid-map, again and again: `whitlock-sim proscan` hangs up
/// after every few moves and comes back on a new pseudo-terminal; the map is run by `MapRunner`
/// over the real `ProScanStage` and, after each unplug, started again from the acquisitions
/// already recorded. Every slot of the plan must be recorded exactly once, in plan order.
/// (The stage is not yet driven by `whitlockd`; this row covers the driver, the simulator and
/// the resume rule.)
extension Scenarios {
  func stageUnplugMidMap() async throws -> [MatrixRow] {
    let scratch = try Scratch("stage")
    defer { scratch.remove() }
    let link = scratch.path + "/proscan"
    // At most 12: after 12 × 7 moves the 100-point map still has points left for every unplug.
    let unplugs = max(2, min(unplugCycles, 12))
    let simulator = try ChildProcess(
      try Harness.executable("whitlock-sim"),
      [
        "proscan", "--link", link, "--unplug-after-moves", "7", "--max-unplugs", "\(unplugs)",
        "--reconnect-delay", "0.2",
      ])
    defer { simulator.send(SIGTERM) }
    let started = await simulator.wait(upTo: .seconds(30)) {
      $0.standardOutput.contains("whitlock-sim proscan:") || !$0.isRunning
    }
    guard started, simulator.isRunning else {
      throw ScenarioFailure(description: "simulator did not start: \(simulator.standardError)")
    }
    let plan = try ScanPlan(
      id: "faults",
      region: .rectangle(origin: StagePosition(x: 100, y: 100), width: 950, height: 200),
      step: 50, order: .snake, exposures: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 1))
    let all = plan.allSlots()
    let recorded = Mutex<[MapSlot]>([])
    var interruptions = 0
    var errors: [String] = []
    while recorded.withLock({ $0.count }) < all.count, interruptions <= unplugs + 2 {
      let stage = ProScanStage(name: "stage") { try SerialPort.open(path: link, baudRate: 9600) }
      do {
        _ = try await stage.open()
        let done = Set(recorded.withLock { $0 })
        _ = try await MapRunner(plan: plan, stage: stage).run(recorded: done) { slot, _, _ in
          recorded.withLock { $0.append(slot) }
        }
      } catch {
        interruptions += 1
        errors.append("\(error)")
        let back = await simulator.wait(upTo: .seconds(30)) {
          $0.standardOutput.components(separatedBy: "plugged in again").count - 1 >= interruptions
            || !$0.isRunning
        }
        if !back { errors.append("the simulator did not come back") }
      }
      await stage.close()
    }
    let slots = recorded.withLock { $0 }
    let duplicates = slots.count - Set(slots).count
    let lost = all.count - Set(slots).count
    let hangUps = simulator.standardOutput.components(separatedBy: "fault: unplugging").count - 1
    simulator.send(SIGTERM)
    let exit = await simulator.waitForExit(upTo: .seconds(30))
    let disconnections = errors.filter { $0.contains("went away") }.count
    let ok =
      lost == 0 && duplicates == 0 && slots == all && hangUps == unplugs
      && interruptions == unplugs && disconnections == unplugs && exit == 0
    return [
      MatrixRow(
        scenario: "stage unplugged mid-map (ProScan)", cycles: hangUps, completed: "\(all.count)",
        spooled: "\(slots.count)", lost: "\(lost)", duplicated: "\(duplicates)",
        verdict: ok ? "PASS" : "FAIL",
        notes:
          "\(plan.grid.points.count)-point map, Raman + XRF per point; \(hangUps) hang-ups after "
          + "every 7 moves, \(interruptions) runs interrupted (\(disconnections) as disconnections), "
          + "each resumed from the recorded slots; in plan order \(slots == all)"
          + (errors.isEmpty || ok ? "" : "; errors: \(errors.prefix(3).joined(separator: " / "))"))
    ]
  }
}
