import ArgumentParser
import Transports
import WhitlockCtlKit

/// `whitlockctl devices`: lists attached USB devices and serial ports and which whitlockd driver
/// family would claim each, so an operator can check cabling, permissions and serial numbers
/// before writing the configuration.
struct DevicesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "devices",
    abstract: "List USB devices and serial ports and the driver family for each",
    discussion: """
      Reads libusb and udev without claiming any device. Devices of a known family are opened \
      and closed once to report permission problems. Exits with 0 whenever the scan ran, even \
      when nothing is attached.
      """)

  @Flag(name: .long, help: "Print one JSON object with `usb`, `serial` and `warnings` arrays.")
  var json = false

  func run() throws {
    let inventory = try DeviceDiscovery.scan()
    let output =
      json
      ? DeviceInventoryFormatter.json(inventory) : DeviceInventoryFormatter.table(inventory)
    print(output, terminator: "")
  }
}
