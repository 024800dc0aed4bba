import Foundation
import TestSupport
import Testing

/// The real daemon under a stand-in notify socket: READY, STATUS, WATCHDOG and STOPPING in the
/// right order, and no WATCHDOG once the acquisition pipeline is stuck.
@Suite(.processHeavy) struct SystemdNotifyTests {
  private func configuration(stallAfter: Int?) -> String {
    var text = """
      [daemon]
      stall_timeout_s = 1.0
      [spool]
      path = "spool"
      segment_max_age_s = 0.5
      [[instrument]]
      id = "raman-fast"
      kind = "raman"
      driver = "simulated"
      exposure_s = 0.2
      [instrument.simulation]
      channels = 512

      """
    if let stallAfter { text += "stall_after_acquisitions = \(stallAfter)\n" }
    return text
  }

  private func start(stallAfter: Int?) throws -> (ChildProcess, NotifySocketListener, String) {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-notify-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/whitlockd.toml"
    try configuration(stallAfter: stallAfter).write(toFile: path, atomically: true, encoding: .utf8)
    let listener = try NotifySocketListener()
    let child = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", path],
      environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"],
      currentDirectory: directory)
    return (child, listener, directory)
  }

  @Test func readyStatusWatchdogAndStoppingArriveInOrder() async throws {
    let (child, listener, directory) = try start(stallAfter: nil)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let pinged = await child.wait(upTo: .seconds(60)) { _ in
      listener.messages.filter { $0 == "WATCHDOG=1" }.count >= 3
    }
    #expect(pinged, "\(listener.messages) \(child.standardError)")
    child.send(SIGTERM)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 0)

    let messages = listener.messages
    let ready = try #require(messages.firstIndex { $0.hasPrefix("READY=1") }, "\(messages)")
    let firstPing = try #require(messages.firstIndex(of: "WATCHDOG=1"))
    let stopping = try #require(messages.firstIndex { $0.hasPrefix("STOPPING=1") })
    #expect(ready < firstPing && firstPing < stopping)
    #expect(messages[ready].contains("STATUS=raman-fast acquiring"))
    #expect(messages.contains { $0.hasPrefix("STATUS=") && $0.contains("spool") })
    #expect(stopping == messages.count - 1, "STOPPING is the last word: \(messages.suffix(3))")
  }

  @Test func stuckPipelineStopsTheWatchdogPings() async throws {
    let (child, listener, directory) = try start(stallAfter: 3)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let detected = await child.wait(upTo: .seconds(60)) {
      $0.standardError.contains("acquisition pipeline stuck")
    }
    #expect(detected, "\(child.standardError)")
    let detectedAt = ContinuousClock.now
    #expect(listener.messages.contains("WATCHDOG=1"), "pings came while it made progress")
    // Give the daemon several watchdog periods (0.2 s each) to prove it stays silent.
    _ = await child.wait(upTo: .seconds(2)) { _ in false }
    let pingsAfter = listener.timedMessages.filter { $0.0 > detectedAt && $0.1 == "WATCHDOG=1" }
    #expect(pingsAfter.isEmpty, "\(pingsAfter.count) pings after the stall was detected")
    child.send(SIGTERM)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 0, "\(child.standardError)")
  }
}
