import Foundation
import TestSupport
import Testing

/// `whitlockctl devices --watch` inside a umockdev testbed sees an emulated DP5 plugged in and
/// removed, with identity taken from udev properties (still present on remove).
@Suite("Hotplug under a umockdev testbed") struct HotplugTests {
  @Test("Add and remove uevents reach the libudev monitor with VID:PID, serial and family")
  func addAndRemoveAreReported() async throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../Scripts/hotplug_testbed.py").standardized.path
    let (_, binary) = try EmulatedDeviceTests.tools()
    let result = try await Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/python3"),
      [script, binary.path, "devices", "--watch", "--json"], deadline: 120)
    let text = result.standardOutput + result.standardError
    #expect(result.status == 0, "\(text)")
    let events = text.split(separator: "\n").filter { $0.hasPrefix("OUT ") }
    #expect(events.count == 2, "\(text)")
    #expect(events.first?.contains("\"action\":\"add\"") == true)
    #expect(events.last?.contains("\"action\":\"remove\"") == true)
    for event in events {
      #expect(event.contains("\"vid_pid\":\"10c4:842a\""))
      #expect(event.contains("\"serial\":\"DP5-77\""))
      #expect(event.contains("\"family\":\"amptek-dp5\""))
    }
  }
}
