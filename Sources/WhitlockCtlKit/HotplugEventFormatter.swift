import Foundation
import InstrumentFamilies
import Transports
import WhitlockCore

/// Renders hotplug events for `whitlockctl devices --watch`.
public enum HotplugEventFormatter {
  /// A line a person reads, with the family that would claim the device.
  public static func line(_ event: HotplugEvent) -> String {
    var parts = [UTCTimestamp.string(from: .now), event.action.rawValue, event.subsystem]
    parts.append(event.deviceNode ?? event.sysPath)
    if let vendor = event.vendorID, let product = event.productID {
      parts.append(identifier(vendor, product))
      if let family = InstrumentFamilies.catalog.match(vendorID: vendor, productID: product) {
        parts.append("family \(family.family)")
      }
    }
    if let serial = event.serial { parts.append("serial \(serial)") }
    return parts.joined(separator: " ")
  }

  /// One JSON object per event.
  public static func json(_ event: HotplugEvent) -> String {
    var members: [(String, JSONValue)] = [
      ("time", .string(UTCTimestamp.string(from: .now))),
      ("action", .string(event.action.rawValue)),
      ("subsystem", .string(event.subsystem)),
      ("sys_path", .string(event.sysPath)),
      ("device_node", event.deviceNode.map(JSONValue.string) ?? .null),
      ("serial", event.serial.map(JSONValue.string) ?? .null),
    ]
    if let vendor = event.vendorID, let product = event.productID {
      members.append(("vid_pid", .string(identifier(vendor, product))))
      let family = InstrumentFamilies.catalog.match(vendorID: vendor, productID: product)?.family
      members.append(("family", family.map(JSONValue.string) ?? .null))
    }
    var writer = JSONWriter(reservingCapacity: 256)
    writer.object(members)
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private static func identifier(_ vendor: UInt16, _ product: UInt16) -> String {
    hex(vendor) + ":" + hex(product)
  }

  private static func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
  }
}
