import ArgumentParser
import Foundation
import InstrumentFamilies
import Transports
import Wasatch
import WhitlockCore

/// `whitlockctl laser-off`: switches off the laser of every attached Wasatch spectrometer (or one,
/// by serial) and reads each back. The systemd unit runs it as `ExecStopPost=`, so a laser is
/// switched off after whitlockd stops however it stopped: a clean stop, SIGKILL at the stop
/// timeout, a watchdog abort, the OOM killer or a crash.
struct LaserOffCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "laser-off",
    abstract: "Switch off the laser of attached Wasatch spectrometers and confirm it",
    discussion: """
      Opens each Wasatch device (USB vendor 0x24AA) through libusb, sends laser-enable 0 and \
      reads the laser state back, retrying up to three times. Prints one line per device. Exits \
      0 when every device reported its laser off (or none is attached), 1 when any device could \
      not be opened or did not confirm: check it by hand before anyone goes near the beam.
      """)

  @Flag(name: .long, help: "Every attached Wasatch device.")
  var all = false

  @Option(name: .long, help: "Only the device with this USB serial number.")
  var serial: String?

  func validate() throws {
    guard all != (serial != nil) else {
      throw ValidationError("give either --all or --serial SERIAL")
    }
  }

  func run() async throws {
    let inventory: DeviceInventory
    do { inventory = try DeviceDiscovery.scan(catalog: InstrumentFamilies.catalog) } catch {
      print("laser-off: cannot list USB devices: \(error)")
      throw ExitCode(1)
    }
    let devices = inventory.usb.filter { device in
      device.vendorID == WasatchInstrument.vendorID && (serial == nil || device.serial == serial)
    }
    if devices.isEmpty {
      print(
        serial.map { "laser-off: no Wasatch device with serial \($0) is attached" }
          ?? "laser-off: no Wasatch device is attached")
      if serial != nil { throw ExitCode(1) }
      return
    }
    var failures = 0
    for device in devices {
      let name = LogText.escaped(device.serial ?? device.devicePath)
      do {
        let usb = try USBDevice.open(
          vendorID: device.vendorID, productID: device.productID, serial: device.serial)
        let off = try await WasatchInstrument.switchLaserOff(usb, productID: device.productID)
        await usb.close()
        if off {
          print("\(name): laser off (read back)")
        } else {
          failures += 1
          print("\(name): the device still reports its laser ON")
        }
      } catch {
        failures += 1
        print("\(name): cannot switch the laser off: \(error)")
      }
    }
    if failures > 0 { throw ExitCode(1) }
  }
}
