/// One line of `systemd/60-whitlockd.rules`: the USB devices it matches and who may open them.
///
/// Declared by each family; `UdevRulesTests` checks that the shipped rules file holds exactly
/// the declared rules, so a family's devices can never be left without access (or a laser
/// handed to the desktop user) by a forgotten edit.
public struct UdevRule: Sendable, Hashable {
  /// The system group that owns the device node.
  public enum Group: String, Sendable {
    /// Members may read and acquire; the service user is one.
    case whitlockd
    /// Devices with a laser: only the service user and people added deliberately.
    case laser = "whitlock-laser"
  }

  /// The comment line above the rule.
  public var title: String
  /// USB vendor ID.
  public var vendorID: UInt16
  /// USB product ID; `nil` matches every product of the vendor.
  public var productID: UInt16?
  /// The group given the node.
  public var group: Group
  /// Whether the logged-in desktop user also gets access (`uaccess`); never for lasers.
  public var desktopAccess: Bool
  /// `WHITLOCKD_FAMILY`, which the hotplug monitor reads.
  public var family: String

  /// A rule; `desktopAccess` is refused for the laser group.
  public init(
    title: String, vendorID: UInt16, productID: UInt16? = nil, group: Group,
    desktopAccess: Bool, family: String
  ) {
    precondition(!(desktopAccess && group == .laser), "a laser is never given to the desktop user")
    self.title = title
    self.vendorID = vendorID
    self.productID = productID
    self.group = group
    self.desktopAccess = desktopAccess
    self.family = family
  }

  /// The rule as udev reads it.
  public var line: String {
    var fields = [
      "SUBSYSTEM==\"usb\"", "ENV{DEVTYPE}==\"usb_device\"",
      "ATTR{idVendor}==\"\(Self.hex(vendorID))\"",
    ]
    if let productID { fields.append("ATTR{idProduct}==\"\(Self.hex(productID))\"") }
    fields += [
      "GROUP=\"\(group.rawValue)\"", "MODE=\"0660\"", "TAG+=\"systemd\"",
    ]
    if desktopAccess { fields.append("TAG+=\"uaccess\"") }
    fields.append("ENV{WHITLOCKD_FAMILY}=\"\(family)\"")
    return fields.joined(separator: ", ")
  }

  private static func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
  }
}
