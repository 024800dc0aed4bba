import ArgumentParser
import Foundation
import InstrumentFamilies
import Transports
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl devices`: lists attached USB devices and serial ports and which whitlockd driver
/// family would claim each, so an operator can check cabling, permissions and serial numbers
/// before writing the configuration.
struct DevicesCommand: AsyncParsableCommand {
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

  @Flag(
    name: .long,
    help: "After the list, follow devices as they are plugged in and removed, one line each.")
  var watch = false

  func run() async throws {
    // Listen before scanning, so nothing plugged in between the two is missed.
    let monitor = watch ? try HotplugMonitor() : nil
    let inventory = try DeviceDiscovery.scan(catalog: InstrumentFamilies.catalog)
    let output =
      json
      ? DeviceInventoryFormatter.json(inventory) : DeviceInventoryFormatter.table(inventory)
    // USB strings come from the devices: shown, never interpreted by the terminal.
    print(json ? output : LogText.forTerminal(output), terminator: "")
    guard let monitor else { return }
    fflush(nil)
    for await event in monitor.events {
      print(
        json
          ? HotplugEventFormatter.json(event) : LogText.escaped(HotplugEventFormatter.line(event)))
      fflush(nil)
    }
  }
}
