import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// The real `whitlockd` inside a umockdev testbed follows its DP5's serial port as the testbed
/// adds and removes it: the device's arrival (not the reopen back-off running out) opens the
/// session, an unplug stops the acquisition in flight (recorded as interrupted, state
/// `waiting-for-device`), and the device's return resumes it. The seconds each step took are
/// printed, not judged: a loaded machine may take its time. The DP5 itself is `whitlock-sim dp5` on a
/// pseudo-terminal whose link path is the tty device's DEVNAME in the testbed.
@Suite(.serialized, .processHeavy) struct HotplugDaemonTests {
  @Test func daemonFollowsItsDeviceThroughAddRemoveAdd() async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-hotplug-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/dp5"
    let config = directory + "/whitlockd.toml"
    try """
    [daemon]
    log_level = "info"
    [spool]
    path = "\(directory)/spool"
    segment_max_age_s = 0.2
    [[instrument]]
    id = "xrf-dp5"
    kind = "xrf"
    driver = "amptek-dp5"
    exposure_s = 1
    port = "\(link)"
    channels = 1024
    poll_interval_s = 0.1
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let spec: [String: Any] = [
      "link": link,
      "simulator": [
        try ProductsDirectory.executable("whitlock-sim"), "dp5", "--link", link, "--serial", "77",
      ],
      "daemon": [try ProductsDirectory.executable("whitlockd"), "--config", config],
    ]
    let specPath = directory + "/spec.json"
    try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../Scripts/hotplug_daemon_testbed.py").standardized.path
    let testbed = try ChildProcess("/usr/bin/python3", [script, specPath])
    let status = await testbed.waitForExit(upTo: .seconds(150))
    let output = testbed.standardOutput
    let report = output + testbed.standardError
    #expect(status == 0, "\(report)")

    func step(_ name: String) -> Double? {
      output.split(separator: "\n").first { $0.hasPrefix("STEP \(name) ") }
        .flatMap { Double($0.split(separator: " ")[2]) }
    }
    let wake = try #require(step("wake"), "\(report)")
    #expect(
      output.contains("STEP wake-by-arrival"),
      "session opened \(wake) s after the device appeared, not woken by it: \(report)")
    #expect(step("remove") != nil, "\(report)")
    let resume = try #require(step("resume"), "\(report)")
    #expect(
      output.contains("STEP resume-by-arrival"),
      "session resumed \(resume) s after the device returned, not woken by it: \(report)")
    #expect(output.contains("STEP acquired-again"), "\(report)")
    #expect(output.contains("EXIT 0"), "\(report)")

    let layout = SpoolLayout(root: directory + "/spool")
    let verified = try SpoolVerifier.verify(layout)
    #expect(verified.isClean, "\(verified.problems)")
    var interrupted = 0.0
    var acquisitions = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.new) {
      let text = try String(contentsOfFile: layout.new + "/" + name, encoding: .utf8)
      for line in text.split(separator: "\n") {
        let record = try JSONParser.parse(String(line))
        switch record["type"]?.stringValue {
        case "acquisition": acquisitions += 1
        case "run-end":
          interrupted += record["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0
        default: break
        }
      }
    }
    #expect(interrupted >= 1, "the unplugged acquisition is recorded as interrupted")
    #expect(acquisitions >= 2, "acquired before the unplug and after the return")
  }
}
