import WhitlockCore

/// Finds the USB devices and serial ports attached to this machine and says which whitlockd driver
/// family would claim each.
///
/// libusb tells what a libusb driver can actually reach; udev adds the strings the kernel read at
/// enumeration (serial number, product) without opening anything. The two are joined on bus
/// number and device address. When one library cannot be used the other's view is reported with a
/// warning; only when both fail does the scan fail.
public enum DeviceDiscovery {
  /// Scans libusb and udev once.
  ///
  /// Devices that belong to a driver family are opened and closed once to surface permission
  /// problems early.
  /// `catalog` says which family claims a device (`InstrumentFamilies.catalog`).
  /// - Throws: `DiscoveryError.noDeviceSource` when neither libusb nor udev can list devices.
  public static func scan(catalog: DeviceCatalog) throws(DiscoveryError) -> DeviceInventory {
    var warnings: [String] = []

    var usbResult: Result<[USBDeviceInfo], USBError>
    do {
      let bus = try USBBus()
      usbResult = .success(
        try bus.devices { vendorID, productID in
          catalog.match(vendorID: vendorID, productID: productID) != nil
        })
    } catch {
      usbResult = .failure(error)
    }

    var udevUSB: [UDevUSBDevice]?
    var serialPorts: [UDevSerialPort] = []
    var udevFailure: DiscoveryError?
    do {
      let directory = try UDevDirectory()
      udevUSB = try directory.usbDevices()
      serialPorts = try directory.serialPorts()
    } catch {
      udevFailure = error
    }

    let libusbDevices: [USBDeviceInfo]?
    switch usbResult {
    case .success(let devices): libusbDevices = devices
    case .failure(let error):
      if let udevFailure {
        throw .noDeviceSource(usb: error, udev: udevFailure.description)
      }
      libusbDevices = nil
      warnings.append("libusb unavailable, USB list comes from udev only: \(error)")
    }
    if let udevFailure {
      warnings.append("udev unavailable, no serial numbers or serial ports: \(udevFailure)")
    }
    return merge(
      libusb: libusbDevices, udev: udevUSB, serialPorts: serialPorts, catalog: catalog,
      warnings: warnings)
  }

  /// Joins the libusb and udev views into one inventory; `nil` means that library was not usable.
  ///
  /// A device both saw gets libusb's identity and access check plus udev's strings and sysfs port
  /// name; a device only one saw is kept with what that one knows.
  public static func merge(
    libusb: [USBDeviceInfo]?, udev: [UDevUSBDevice]?, serialPorts: [UDevSerialPort],
    catalog: DeviceCatalog, warnings: [String] = []
  ) -> DeviceInventory {
    var udevByAddress: [USBAddress: UDevUSBDevice] = [:]
    for device in udev ?? [] {
      guard let bus = device.busNumber, let number = device.deviceNumber else { continue }
      udevByAddress[USBAddress(bus: bus, device: number)] = device
    }

    var records: [USBDeviceRecord] = []
    var matched: Set<USBAddress> = []
    for info in libusb ?? [] {
      let address = USBAddress(bus: info.busNumber, device: info.deviceAddress)
      var record = USBDeviceRecord(
        busNumber: info.busNumber, deviceAddress: info.deviceAddress, portPath: info.portPath,
        vendorID: info.vendorID, productID: info.productID, devicePath: info.devicePath,
        family: catalog.match(vendorID: info.vendorID, productID: info.productID),
        access: info.access, sources: .libusb)
      if let device = udevByAddress[address] {
        matched.insert(address)
        record.sources.insert(.udev)
        record.serial = device.serial
        record.manufacturer = device.manufacturer
        record.product = device.product
        if !device.sysname.isEmpty { record.portPath = device.sysname }
        if let devnode = device.devnode { record.devicePath = devnode }
      }
      records.append(record)
    }

    for device in udev ?? [] {
      guard let bus = device.busNumber, let number = device.deviceNumber,
        let vendorID = device.vendorID, let productID = device.productID,
        !matched.contains(USBAddress(bus: bus, device: number))
      else { continue }
      records.append(
        USBDeviceRecord(
          busNumber: bus, deviceAddress: number, portPath: device.sysname, vendorID: vendorID,
          productID: productID, serial: device.serial, manufacturer: device.manufacturer,
          product: device.product,
          devicePath: device.devnode
            ?? USBDeviceInfo.devicePath(busNumber: bus, deviceAddress: number),
          family: catalog.match(vendorID: vendorID, productID: productID),
          sources: .udev))
    }
    // By bus, the root hub (`usbN`) first, then by port path.
    records.sort {
      let left = ($0.busNumber, $0.portPath.hasPrefix("usb") ? 0 : 1)
      let right = ($1.busNumber, $1.portPath.hasPrefix("usb") ? 0 : 1)
      return left != right ? left < right : naturalOrder($0.portPath, $1.portPath)
    }

    let serial = serialPorts.map { port in
      let parent = port.usbParent
      let family = parent.flatMap { usb -> DeviceFamilyMatch? in
        guard let vendorID = usb.vendorID, let productID = usb.productID else { return nil }
        return catalog.match(vendorID: vendorID, productID: productID)
      }
      return SerialPortRecord(
        devicePath: port.devnode, name: port.sysname, driver: port.driver,
        vendorID: parent?.vendorID, productID: parent?.productID, serial: parent?.serial,
        manufacturer: parent?.manufacturer, product: parent?.product, family: family)
    }.sorted { naturalOrder($0.name, $1.name) }

    return DeviceInventory(usb: records, serial: serial, warnings: warnings)
  }
}

/// A device's place on the bus at this moment: bus number and address.
private struct USBAddress: Hashable {
  var bus: Int
  var device: Int
}

/// Compares names so that embedded numbers sort by value: `ttyS2` before `ttyS10`, `1-2` before
/// `1-10`.
func naturalOrder(_ lhs: String, _ rhs: String) -> Bool {
  naturalSortKey(lhs).lexicographicallyPrecedes(naturalSortKey(rhs)) { left, right in
    switch (left, right) {
    case (.number(let a), .number(let b)): return a < b
    case (.text(let a), .text(let b)): return a < b
    case (.number, .text): return true
    case (.text, .number): return false
    }
  }
}

/// One run of letters or digits in a natural-order sort key.
private enum NaturalSortPart {
  case number(Int)
  case text(String)
}

private func naturalSortKey(_ text: String) -> [NaturalSortPart] {
  var parts: [NaturalSortPart] = []
  var run = ""
  var runIsNumber = false
  for character in text {
    let isDigit = character.isASCII && character.isNumber
    if !run.isEmpty, isDigit != runIsNumber {
      parts.append(runIsNumber ? .number(Int(run) ?? 0) : .text(run))
      run = ""
    }
    run.append(character)
    runIsNumber = isDigit
  }
  if !run.isEmpty { parts.append(runIsNumber ? .number(Int(run) ?? 0) : .text(run)) }
  return parts
}
