import Foundation
import TestSupport
import Testing
import WhitlockCore

/// Runs the built `whitlockctl devices` inside a umockdev testbed that emulates an Amptek DP5, an
/// Ocean Insight STS, an FTDI USB-serial adapter and a few tty devices, so libusb and libudev
/// really enumerate them.
@Suite("whitlockctl devices under umockdev")
struct EmulatedDeviceTests {
  /// The device description. Its name starts with a dot because SwiftPM skips hidden files and
  /// would otherwise warn about an undeclared resource in the test target.
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/.emulated-devices.umockdev")

  /// Finds `umockdev-run`, the built `whitlockctl` and the fixture, or fails saying what to do.
  static func tools() throws -> (umockdevRun: URL, whitlockctl: URL) {
    guard let umockdevRun = Subprocess.which("umockdev-run") else {
      throw SubprocessFailure(
        description: "umockdev-run is not installed: install umockdev (apt-get install umockdev) "
          + "to run the emulated USB device tests; CI installs it")
    }
    let binary = ProductsDirectory.url.appendingPathComponent("whitlockctl")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
      throw SubprocessFailure(
        description: "whitlockctl not found at \(binary.path): run `swift build --build-tests` "
          + "first, or set WHITLOCK_BIN_DIR to the directory holding the built whitlockctl")
    }
    guard FileManager.default.fileExists(atPath: fixture.path) else {
      throw SubprocessFailure(description: "umockdev fixture missing at \(fixture.path)")
    }
    return (umockdevRun, binary)
  }

  @Test("Emulated Amptek and Ocean devices are listed with serial and family")
  func listsEmulatedDevices() async throws {
    let (umockdevRun, binary) = try Self.tools()
    let result = try await Subprocess.run(
      umockdevRun, ["-d", Self.fixture.path, "--", binary.path, "devices", "--json"],
      deadline: 120)
    try #require(
      result.status == 0,
      "whitlockctl exited with \(result.status); stderr: \(result.standardError)")

    let inventory = try JSONParser.parse(result.standardOutput)
    guard case .array(let usb)? = inventory["usb"] else {
      Issue.record("no usb array in: \(result.standardOutput)")
      return
    }
    let amptek = try #require(
      usb.first { $0["vid_pid"] == .string("10c4:842a") },
      "Amptek device missing from: \(result.standardOutput)")
    #expect(amptek["serial"] == .string("DP5-12345"))
    #expect(amptek["family"] == .string("amptek-dp5"))
    #expect(amptek["product"] == .string("DP5"))
    #expect(amptek["manufacturer"] == .string("Amptek"))
    #expect(amptek["path"] == .string("1-2"))
    #expect(amptek["devnode"] == .string("/dev/bus/usb/001/002"))
    // Seen by libusb proves the binary descriptors were parsed, not just the sysfs strings.
    #expect(amptek["seen_by"] == .array([.string("libusb"), .string("udev")]))

    let ocean = try #require(
      usb.first { $0["vid_pid"] == .string("2457:4000") },
      "Ocean STS missing from: \(result.standardOutput)")
    #expect(ocean["serial"] == .string("S12345"))
    #expect(ocean["family"] == .string("ocean-insight"))
    #expect(ocean["model"] == .string("STS"))
    #expect(ocean["protocol"] == .string("OBP"))
    #expect(ocean["seen_by"] == .array([.string("libusb"), .string("udev")]))

    let rootHub = try #require(usb.first { $0["vid_pid"] == .string("1d6b:0002") })
    #expect(rootHub["family"] == .null)
    #expect(usb.count == 4)
    #expect(inventory["warnings"] == .array([]))
  }

  @Test("Hardware serial ports are listed with their USB parent; placeholders are not")
  func listsSerialPorts() async throws {
    let (umockdevRun, binary) = try Self.tools()
    let result = try await Subprocess.run(
      umockdevRun, ["-d", Self.fixture.path, "--", binary.path, "devices", "--json"],
      deadline: 120)
    try #require(result.status == 0, "stderr: \(result.standardError)")
    let inventory = try JSONParser.parse(result.standardOutput)
    guard case .array(let serial)? = inventory["serial"] else {
      Issue.record("no serial array in: \(result.standardOutput)")
      return
    }
    // ttyS3 hangs off the serial8250 platform device with port type 0 and tty0 is virtual.
    #expect(serial.compactMap { $0["name"]?.stringValue } == ["ttyS0", "ttyUSB0"])
    let adapter = try #require(serial.first { $0["name"] == .string("ttyUSB0") })
    #expect(adapter["device"] == .string("/dev/ttyUSB0"))
    #expect(adapter["vid_pid"] == .string("0403:6001"))
    #expect(adapter["serial"] == .string("A10KZP45"))
    #expect(adapter["product"] == .string("FT232R USB UART"))
    #expect(adapter["driver"] == .string("ftdi_sio"))
    #expect(adapter["family"] == .null)
    let uart = try #require(serial.first { $0["name"] == .string("ttyS0") })
    #expect(uart["driver"] == .string("serial"))
    #expect(uart["vid_pid"] == .null)
  }

  @Test("The table output lists the emulated devices under their port paths")
  func tableOutput() async throws {
    let (umockdevRun, binary) = try Self.tools()
    let result = try await Subprocess.run(
      umockdevRun, ["-d", Self.fixture.path, "--", binary.path, "devices"], deadline: 120)
    try #require(result.status == 0, "stderr: \(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("BUS PATH") && $0.hasSuffix("MODEL/PRODUCT") })
    #expect(
      lines.contains {
        $0.hasPrefix("1-2 ") && $0.contains("10c4:842a") && $0.contains("DP5-12345")
          && $0.contains("amptek-dp5")
      })
    #expect(
      lines.contains {
        $0.hasPrefix("1-3 ") && $0.contains("2457:4000") && $0.contains("ocean-insight")
          && $0.hasSuffix("STS")
      })
  }
}
