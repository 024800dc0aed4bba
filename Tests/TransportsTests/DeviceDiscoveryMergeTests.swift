import InstrumentFamilies
import Testing
import Transports

@Suite("Joining the libusb and udev views")
struct DeviceDiscoveryMergeTests {
  let amptekUSB = USBDeviceInfo(
    vendorID: 0x10C4, productID: 0x842A, busNumber: 1, deviceAddress: 7, portNumbers: [2, 4],
    access: .openable)
  let amptekUDev = UDevUSBDevice(
    syspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.4", sysname: "1-2.4",
    devnode: "/dev/bus/usb/001/007", busNumber: 1, deviceNumber: 7, devpath: "2.4",
    vendorID: 0x10C4, productID: 0x842A, serial: "DP5-12345", manufacturer: "Amptek",
    product: "DP5")

  @Test("A device both libraries see gets libusb's access check and udev's strings")
  func joinsOnBusAndAddress() throws {
    let inventory = DeviceDiscovery.merge(
      libusb: [amptekUSB], udev: [amptekUDev], serialPorts: [], catalog: InstrumentFamilies.catalog)
    let device = try #require(inventory.usb.first)
    #expect(inventory.usb.count == 1)
    #expect(device.serial == "DP5-12345")
    #expect(device.product == "DP5")
    #expect(device.portPath == "1-2.4")
    #expect(device.vendorProduct == "10c4:842a")
    #expect(device.family?.family == "amptek-dp5")
    #expect(device.access == .openable)
    #expect(device.sources == [.libusb, .udev])
  }

  @Test("Same VID:PID at another address is a different device")
  func addressesDoNotCross() {
    var other = amptekUDev
    other.deviceNumber = 9
    let inventory = DeviceDiscovery.merge(
      libusb: [amptekUSB], udev: [other], serialPorts: [], catalog: InstrumentFamilies.catalog)
    #expect(inventory.usb.count == 2)
    #expect(inventory.usb.map(\.sources) == [.libusb, .udev])
    #expect(inventory.usb.first { $0.sources == .libusb }?.serial == nil)
  }

  @Test("Without udev the libusb list stands alone, with its own port path and node")
  func libusbOnly() throws {
    let inventory = DeviceDiscovery.merge(
      libusb: [amptekUSB], udev: nil, serialPorts: [], catalog: InstrumentFamilies.catalog,
      warnings: ["udev unavailable"])
    let device = try #require(inventory.usb.first)
    #expect(device.portPath == "1-2.4")
    #expect(device.devicePath == "/dev/bus/usb/001/007")
    #expect(device.serial == nil)
    #expect(inventory.warnings == ["udev unavailable"])
  }

  @Test("Without libusb the udev list stands alone")
  func udevOnly() throws {
    let inventory = DeviceDiscovery.merge(
      libusb: nil, udev: [amptekUDev], serialPorts: [], catalog: InstrumentFamilies.catalog)
    let device = try #require(inventory.usb.first)
    #expect(device.sources == .udev)
    #expect(device.access == .notChecked)
    #expect(device.family?.family == "amptek-dp5")
    #expect(device.serial == "DP5-12345")
  }

  @Test("Devices sort by bus, root hub first, then by port path numerically")
  func ordering() {
    func info(_ bus: Int, _ address: Int, _ ports: [Int]) -> USBDeviceInfo {
      USBDeviceInfo(
        vendorID: 0x1234, productID: 0x5678, busNumber: bus, deviceAddress: address,
        portNumbers: ports)
    }
    let inventory = DeviceDiscovery.merge(
      libusb: [info(2, 3, [1]), info(1, 5, [10]), info(1, 4, [2]), info(1, 1, [])], udev: [],
      serialPorts: [], catalog: InstrumentFamilies.catalog)
    #expect(inventory.usb.map(\.portPath) == ["usb1", "1-2", "1-10", "2-1"])
  }

  @Test("Serial ports carry their USB parent's identity and sort numerically")
  func serialPorts() throws {
    let ftdi = UDevUSBDevice(
      syspath: "/sys/devices/x/1-3", sysname: "1-3", vendorID: 0x0403, productID: 0x6001,
      serial: "FT1234", product: "FT232R USB UART")
    let inventory = DeviceDiscovery.merge(
      libusb: [], udev: [],
      serialPorts: [
        UDevSerialPort(
          sysname: "ttyUSB10", devnode: "/dev/ttyUSB10", driver: "ftdi_sio", usbParent: ftdi),
        UDevSerialPort(sysname: "ttyS0", devnode: "/dev/ttyS0", driver: "serial", usbParent: nil),
        UDevSerialPort(
          sysname: "ttyUSB2", devnode: "/dev/ttyUSB2", driver: "ftdi_sio", usbParent: ftdi),
      ], catalog: InstrumentFamilies.catalog)
    #expect(inventory.serial.map(\.name) == ["ttyS0", "ttyUSB2", "ttyUSB10"])
    let usbPort = try #require(inventory.serial.last)
    #expect(usbPort.vendorProduct == "0403:6001")
    #expect(usbPort.serial == "FT1234")
    #expect(usbPort.family == nil)
    #expect(inventory.serial.first?.vendorProduct == nil)
  }

  @Test("USB paths and nodes are written the way the kernel names them")
  func naming() {
    #expect(USBDeviceInfo.portPath(busNumber: 3, portNumbers: []) == "usb3")
    #expect(USBDeviceInfo.portPath(busNumber: 3, portNumbers: [1, 4, 2]) == "3-1.4.2")
    #expect(USBDeviceInfo.devicePath(busNumber: 1, deviceAddress: 2) == "/dev/bus/usb/001/002")
    #expect(
      USBDeviceInfo.devicePath(busNumber: 12, deviceAddress: 127) == "/dev/bus/usb/012/127")
  }
}
