import Foundation
import InstrumentFamilies
import Testing
import Transports
import WhitlockConfiguration
import WhitlockDaemon

/// Which udev events reach which instrument, and how the news reaches a waiting session.
@Suite struct HotplugRoutingTests {
  private func usb(
    _ action: HotplugEvent.Action, vendor: UInt16 = 0x10C4, product: UInt16 = 0x842A,
    serial: String? = "DP5-77", bus: String = "1-1"
  ) -> HotplugEvent {
    HotplugEvent(
      action: action, subsystem: "usb", sysPath: "/sys/devices/pci0000:00/usb1/\(bus)",
      deviceNode: "/dev/bus/usb/001/009", vendorID: vendor, productID: product, serial: serial)
  }

  @Test func usbMatchesBySerialNotBusPosition() {
    let wanted = DeviceRequirement.usb(vendorID: 0x10C4, productID: 0x842A, serial: "DP5-77")
    #expect(wanted.matches(usb(.add)))
    #expect(wanted.matches(usb(.add, bus: "3-2")), "another port, same serial")
    #expect(!wanted.matches(usb(.add, serial: "DP5-78")), "another unit")
    #expect(!wanted.matches(usb(.add, serial: nil)))
    #expect(!wanted.matches(usb(.add, product: 0x842B)))
    #expect(!wanted.matches(usb(.remove, vendor: 0x2457)))
    #expect(wanted.matches(usb(.remove)))
  }

  @Test func usbWithoutSerialOrProductMatchesTheVendorFamily() {
    let ocean = DeviceRequirement.usb(vendorID: 0x2457, productID: nil, serial: nil)
    #expect(ocean.matches(usb(.add, vendor: 0x2457, product: 0x4000, serial: "QEP01234")))
    #expect(ocean.matches(usb(.add, vendor: 0x2457, product: 0x1022, serial: nil)))
    #expect(!ocean.matches(usb(.add)))
    var tty = usb(.add, vendor: 0x2457)
    tty.subsystem = "tty"
    #expect(!ocean.matches(tty), "a tty event is not the USB device itself")
  }

  @Test func serialPortMatchesPathOrLinkTarget() {
    let port = DeviceRequirement.serialPort(path: "/dev/serial/by-id/usb-FTDI_X-if00-port0")
    var event = HotplugEvent(
      action: .add, subsystem: "tty", sysPath: "/sys/class/tty/ttyUSB0",
      deviceNode: "/dev/ttyUSB0")
    #expect(port.matches(event, resolvedPath: "/dev/ttyUSB0"))
    #expect(!port.matches(event, resolvedPath: "/dev/ttyUSB1"))
    #expect(!port.matches(event, resolvedPath: nil))
    event.deviceNode = "/dev/serial/by-id/usb-FTDI_X-if00-port0"
    #expect(port.matches(event))
    event.deviceNode = nil
    #expect(!port.matches(event, resolvedPath: "/dev/ttyUSB0"))
    #expect(!DeviceRequirement.serialPort(path: "").matches(event))
    #expect(!DeviceRequirement.none.matches(usb(.add)))
  }

  @Test func requirementsFollowTheConfiguration() throws {
    let text = """
      [[instrument]]
      id = "xrf"
      kind = "xrf"
      driver = "amptek-dp5"
      transport = "usb"
      usb_serial = "DP5-77"
      exposure_s = 1
      """
    let configuration = try ConfigurationLoader.parse(text, source: "hotplug.toml")
    let requirement = try #require(configuration.instruments.first?.deviceRequirement)
    #expect(requirement == .usb(vendorID: 0x10C4, productID: 0x842A, serial: "DP5-77"))
    #expect(requirement.matches(usb(.add)))
  }

  @Test func newsBetweenWaitsIsNotLost() async {
    let presence = DevicePresence()
    let seen = presence.generation(.arrived)
    presence.signal(.arrived)
    #expect(await presence.wait(for: .arrived, after: seen))
    #expect(presence.generation(.removed) == 0)
  }

  @Test func aWaiterWakesOnItsKindOfNews() async {
    let presence = DevicePresence()
    let seen = presence.generation(.removed)
    async let woken = presence.wait(for: .removed, after: seen)
    // The waiter may not be parked yet; generations make the order irrelevant.
    presence.signal(.arrived)
    presence.signal(.removed)
    #expect(await woken)
    #expect(presence.generation(.arrived) == 1 && presence.generation(.removed) == 1)
  }

  @Test func cancellationEndsAWait() async {
    let presence = DevicePresence()
    let waiter = Task { await presence.wait(for: .arrived, after: presence.generation(.arrived)) }
    waiter.cancel()
    #expect(await waiter.value == false)
  }
}
