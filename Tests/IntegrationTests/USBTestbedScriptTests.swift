import Foundation
import TestSupport
import Testing

/// `whitlock-sim usb` runs the umockdev testbed script compiled into it (the `.embedInCode`
/// resource `Sources/whitlock-sim/Resources/usb-testbed.py`): the script it hands to Python is
/// that file, byte for byte, whatever directory it runs from.
@Suite struct USBTestbedScriptTests {
  @Test func theScriptHandedToPythonIsTheResourceFile() async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let resource = try Data(
      contentsOf: root.appendingPathComponent("Sources/whitlock-sim/Resources/usb-testbed.py"))
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-testbed-script-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // A stand-in for python3 that keeps the script it was given and fails, so no testbed starts.
    let python = directory.appendingPathComponent("python")
    let received = directory.appendingPathComponent("received.py")
    try "#!/bin/sh\ncp \"$1\" '\(received.path)'\nexit 3\n".write(
      to: python, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python.path)

    let result = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-sim")),
      ["usb", "--family", "ocean-ooi", "--model", "USB2000PLUS", "--python", python.path],
      deadline: 60, currentDirectory: directory.path,
      // Its scratch folder, left behind when the testbed fails, goes with ours.
      environment: ["TMPDIR": directory.path])
    #expect(result.status != 0, "the stand-in fails, so whitlock-sim usb must too")
    #expect(try Data(contentsOf: received) == resource, "\(result.standardError)")
  }
}
