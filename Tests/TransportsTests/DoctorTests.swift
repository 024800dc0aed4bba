import Foundation
import InstrumentFamilies
import Testing
import Transports
import WhitlockCore

@testable import WhitlockCtlKit

@Suite("whitlockctl doctor") struct DoctorTests {
  private func scratch() throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-doctor-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  private func config(spool: String, in directory: String) throws -> String {
    let path = directory + "/whitlockd.toml"
    try
      "[spool]\npath = \"\(spool)\"\n[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("A configuration error is the only finding, with file, line and key")
  func configurationErrorStopsTheChecks() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/bad.toml"
    try "[spool]\nsegment_max_records = 0\n".write(toFile: path, atomically: true, encoding: .utf8)
    let findings = Doctor().run(configPath: path)
    #expect(findings.count == 1)
    #expect(findings.first?.severity == .failure)
    #expect(findings.first?.message.contains("\(path):2: spool.segment_max_records") == true)
  }

  @Test("A missing spool is reported as to-be-created and not created")
  func missingSpoolIsNotCreated() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/not/yet/spool"
    let findings = Doctor().run(configPath: try config(spool: spool, in: directory))
    let spoolFinding = try #require(findings.first { $0.check == "spool" })
    #expect(spoolFinding.severity == .ok)
    #expect(spoolFinding.message.contains("will create it"))
    #expect(!FileManager.default.fileExists(atPath: directory + "/not"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
  }

  @Test("A spool path that is a file fails with a fix")
  func spoolThatIsAFileFails() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = directory + "/spool"
    try "x".write(toFile: file, atomically: true, encoding: .utf8)
    let findings = Doctor().run(configPath: try config(spool: file, in: directory))
    let spoolFinding = try #require(findings.first { $0.check == "spool" })
    #expect(spoolFinding.severity == .failure)
    #expect(spoolFinding.fix != nil)
  }

  @Test("Too little free space fails")
  func freeSpaceThreshold() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var environment = Doctor.Environment()
    environment.minimumFreeBytes = UInt64.max / 16
    let spool = directory + "/spool"
    try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
    let findings = Doctor(environment: environment).run(
      configPath: try config(spool: spool, in: directory))
    #expect(findings.first { $0.check == "spool space" }?.severity == .failure)
  }

  @Test("Serial ports: missing and accessible")
  func serialPorts() {
    let doctor = Doctor()
    let missing = doctor.checkSerialPort("/dev/ttyWHITLOCK-none", check: "device dp5")
    #expect(missing.severity == .failure)
    #expect(missing.message.contains("does not exist"))
    #expect(doctor.checkSerialPort("/dev/null", check: "device dp5").severity == .ok)
  }

  @Test("USB devices: missing, permission denied naming the udev rule, and present")
  func usbDevices() {
    let doctor = Doctor()
    let denied = USBDeviceRecord(
      busNumber: 1, deviceAddress: 4, portPath: "1-1", vendorID: 0x10C4, productID: 0x842A,
      serial: "DP5-1", devicePath: "/dev/bus/usb/001/004",
      family: InstrumentFamilies.catalog.match(vendorID: 0x10C4, productID: 0x842A),
      access: .failed(
        USBError(code: -3, operation: "libusb_open", devicePath: "/dev/bus/usb/001/004")),
      sources: [.libusb, .udev])
    var open = denied
    open.access = .openable
    open.serial = "DP5-2"
    let inventory = DeviceInventory(usb: [denied, open], serial: [], warnings: [])
    let missing = doctor.checkUSB(
      inventory, vendorID: 0x2457, productID: 0x4000, serial: nil, check: "d")
    #expect(missing.severity == .failure)
    #expect(missing.message.contains("2457:4000"))
    let refused = doctor.checkUSB(
      inventory, vendorID: 0x10C4, productID: 0x842A, serial: "DP5-1", check: "d")
    #expect(refused.severity == .failure)
    #expect(refused.fix?.contains("60-whitlockd.rules") == true)
    let present = doctor.checkUSB(
      inventory, vendorID: 0x10C4, productID: nil, serial: "DP5-2", check: "d")
    #expect(present.severity == .ok)
  }

  @Test("A stage on a missing port fails the stage check; a simulated one needs no device")
  func stageCheck() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = try config(spool: directory + "/spool", in: directory)
    let base = try String(contentsOfFile: path, encoding: .utf8)
    try (base + "[stage]\ndriver = \"proscan\"\nport = \"/nonexistent/ttyUSB9\"\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let missing = try #require(Doctor().run(configPath: path).first { $0.check == "stage" })
    #expect(missing.severity == .failure)
    #expect(missing.message == "proscan: /nonexistent/ttyUSB9 does not exist")
    try (base + "[stage]\ndriver = \"simulated\"\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let simulated = try #require(Doctor().run(configPath: path).first { $0.check == "stage" })
    #expect(simulated.severity == .ok)
  }
}
