import CLibUSB
import InstrumentFamilies
import Testing
import TextTables
import Transports
import WhitlockCore
import WhitlockCtlKit

@Suite("whitlockctl devices output")
struct DeviceInventoryFormatterTests {
  static let inventory = DeviceInventory(
    usb: [
      USBDeviceRecord(
        busNumber: 1, deviceAddress: 2, portPath: "1-2", vendorID: 0x10C4, productID: 0x842A,
        serial: "DP5-12345", manufacturer: "Amptek", product: "DP5",
        devicePath: "/dev/bus/usb/001/002",
        family: InstrumentFamilies.catalog.match(vendorID: 0x10C4, productID: 0x842A),
        access: .failed(
          USBError(
            code: LIBUSB_ERROR_ACCESS.rawValue, operation: "libusb_open",
            devicePath: "/dev/bus/usb/001/002")),
        sources: [.libusb, .udev]),
      USBDeviceRecord(
        busNumber: 1, deviceAddress: 14, portPath: "1-10.3", vendorID: 0x2457, productID: 0xBEEF,
        devicePath: "/dev/bus/usb/001/014",
        family: InstrumentFamilies.catalog.match(vendorID: 0x2457, productID: 0xBEEF),
        sources: .libusb),
      USBDeviceRecord(
        busNumber: 2, deviceAddress: 3, portPath: "2-1", vendorID: 0x046D, productID: 0xC52B,
        product: "USB \"Receiver\"", devicePath: "/dev/bus/usb/002/003", family: nil,
        sources: .udev),
    ],
    serial: [
      SerialPortRecord(devicePath: "/dev/ttyS0", name: "ttyS0", driver: "serial"),
      SerialPortRecord(
        devicePath: "/dev/ttyUSB0", name: "ttyUSB0", driver: "ftdi_sio", vendorID: 0x0403,
        productID: 0x6001, serial: "FT1234", product: "FT232R USB UART"),
    ],
    warnings: ["libusb unavailable"])

  @Test("Columns line up under their headings")
  func tableAlignment() throws {
    let text = DeviceInventoryFormatter.table(Self.inventory)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try #require(lines.first { $0.hasPrefix("BUS PATH") })
    let headerIndex = try #require(lines.firstIndex(of: header))
    let rows = Array(lines[(headerIndex + 1)...(headerIndex + 3)])
    for column in ["VID:PID", "SERIAL", "FAMILY", "MODEL/PRODUCT"] {
      let offset = try #require(header.range(of: column)).lowerBound.utf16Offset(in: header)
      for row in rows {
        let characters = Array(row)
        #expect(characters.count > offset)
        #expect(characters[offset - 1] == " ", "column \(column) in \(row)")
        #expect(characters[offset] != " ", "column \(column) in \(row)")
      }
    }
    #expect(rows[0].hasPrefix("1-2     "))
    #expect(rows[0].contains("10c4:842a  DP5-12345  amptek-dp5"))
    #expect(rows[0].hasSuffix("DP5/X-123/PX5/MCA8000D [DP5]"))
    #expect(rows[1].hasSuffix("ocean-insight  unknown model"))
    #expect(rows[2].hasSuffix("-              USB \"Receiver\""))
    #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
  }

  @Test("Serial ports, access errors and warnings follow the USB table")
  func tableSections() throws {
    let text = DeviceInventoryFormatter.table(Self.inventory)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains("DEVICE        VID:PID    SERIAL  PRODUCT          FAMILY"))
    #expect(lines.contains("/dev/ttyS0    -          -       -                -"))
    #expect(lines.contains("/dev/ttyUSB0  0403:6001  FT1234  FT232R USB UART  -"))
    #expect(
      lines.contains(
        "error: 1-2 10c4:842a: permission denied opening /dev/bus/usb/001/002: install "
          + "whitlockd's udev rule (60-whitlockd.rules) and add the service user to group whitlockd "
          + "(whitlock-laser for a Wasatch)"
      ))
    #expect(lines.last == "warning: libusb unavailable")
    #expect(text.hasSuffix("\n"))
  }

  @Test("An empty inventory says so instead of printing bare headings")
  func emptyTable() {
    let text = DeviceInventoryFormatter.table(DeviceInventory(usb: [], serial: []))
    #expect(text == "No USB devices found.\n\nNo serial ports found.\n")
  }

  @Test("JSON has usb and serial arrays with every field, and parses back")
  func json() throws {
    let text = DeviceInventoryFormatter.json(Self.inventory)
    #expect(text.hasSuffix("\n"))
    let value = try JSONParser.parse(text)
    guard case .array(let usb)? = value["usb"], case .array(let serial)? = value["serial"] else {
      Issue.record("usb and serial must be arrays: \(text)")
      return
    }
    #expect(usb.count == 3)
    #expect(serial.count == 2)
    let amptek = usb[0]
    #expect(amptek["vid_pid"] == .string("10c4:842a"))
    #expect(amptek["serial"] == .string("DP5-12345"))
    #expect(amptek["family"] == .string("amptek-dp5"))
    #expect(amptek["protocol"] == .string("DP5"))
    #expect(amptek["kind"] == .string("xrf"))
    #expect(amptek["bus"] == .int(1))
    #expect(amptek["address"] == .int(2))
    #expect(amptek["path"] == .string("1-2"))
    #expect(amptek["devnode"] == .string("/dev/bus/usb/001/002"))
    #expect(amptek["access"] == .string("error"))
    #expect(amptek["access_error"]?.stringValue?.contains("60-whitlockd.rules") == true)
    #expect(amptek["seen_by"] == .array([.string("libusb"), .string("udev")]))
    #expect(usb[1]["model"] == .string("unknown model"))
    #expect(usb[1]["serial"] == .null)
    #expect(usb[1]["access"] == .string("not-checked"))
    #expect(usb[2]["family"] == .null)
    #expect(usb[2]["product"] == .string("USB \"Receiver\""))
    #expect(serial[1]["device"] == .string("/dev/ttyUSB0"))
    #expect(serial[1]["vid_pid"] == .string("0403:6001"))
    #expect(serial[1]["driver"] == .string("ftdi_sio"))
    #expect(serial[0]["vid_pid"] == .null)
    #expect(value["warnings"] == .array([.string("libusb unavailable")]))
  }

  @Test("A text table pads every column but the last")
  func textTable() {
    let table = TextTable(headers: ["A", "LONG HEADING", "Z"], rows: [["wide cell", "x", "end"]])
    #expect(table.render() == "A          LONG HEADING  Z\nwide cell  x             end")
  }
}
