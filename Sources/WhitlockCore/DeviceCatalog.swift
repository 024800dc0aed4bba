/// The wire protocol a driver family speaks to a device, as far as the USB identity tells.
///
/// Each family names its protocols beside its declaration (e.g. `DeviceProtocol.dp5` in the
/// Amptek family's folder).
public struct DeviceProtocol: Hashable, Sendable, CustomStringConvertible {
  /// Short name shown by `whitlockctl devices`, e.g. `OBP`.
  public let rawValue: String

  /// A protocol by its short name.
  public init(_ rawValue: String) { self.rawValue = rawValue }

  public var description: String { rawValue }
}

/// What the catalog knows about a USB device: which driver family would claim it and, when the
/// product ID is known, the model name.
///
/// `whitlockctl devices` and the daemon's device registry use this so an operator sees at a glance
/// which attached device whitlockd would drive, before any driver opens it.
public struct DeviceFamilyMatch: Sendable, Hashable {
  /// The driver family name, e.g. `amptek-dp5`, `ocean-insight`, `wasatch`.
  public var family: String
  /// The model (or list of models sharing the ID) when the product ID is known, else `nil`.
  public var model: String?
  /// The protocol the device speaks, when the product ID determines it.
  public var deviceProtocol: DeviceProtocol?
  /// Whether the family produces Raman or XRF spectra.
  public var kind: InstrumentKind

  /// Creates a match; used by the catalog table.
  public init(
    family: String, model: String?, deviceProtocol: DeviceProtocol?, kind: InstrumentKind
  ) {
    self.family = family
    self.model = model
    self.deviceProtocol = deviceProtocol
    self.kind = kind
  }

  /// The model name, or `unknown model` for a product ID the catalog does not list.
  public var modelDescription: String { model ?? DeviceCatalog.unknownModel }
}

/// A table of USB vendor and product IDs and the driver family that claims each.
///
/// Each instrument family declares its own part (exact VID:PID entries, and vendors whose every
/// device it claims); `InstrumentFamilies.catalog` joins them. Exact entries win over
/// vendor-wide ones, so a vendor ID shared with other products (Silicon Labs 0x10C4, used by
/// every CP210x adapter) is listed by product only.
public struct DeviceCatalog: Sendable {
  /// The model text shown for a device of a known vendor whose product ID is not listed.
  public static let unknownModel = "unknown model"

  /// One row of the table: an exact VID:PID and what it is.
  public struct Entry: Sendable, Hashable {
    /// USB vendor ID.
    public var vendorID: UInt16
    /// USB product ID.
    public var productID: UInt16
    /// What a device with this ID is.
    public var match: DeviceFamilyMatch

    /// A row of `family`'s table.
    public init(
      vendorID: UInt16, productID: UInt16, family: String, model: String,
      deviceProtocol: DeviceProtocol, kind: InstrumentKind
    ) {
      self.vendorID = vendorID
      self.productID = productID
      self.match = DeviceFamilyMatch(
        family: family, model: model, deviceProtocol: deviceProtocol, kind: kind)
    }
  }

  /// A vendor whose unknown product IDs still belong to one family.
  public struct VendorFamily: Sendable, Hashable {
    /// USB vendor ID.
    public var vendorID: UInt16
    /// The family that claims all of the vendor's devices.
    public var family: String
    /// What the family measures.
    public var kind: InstrumentKind

    /// A vendor-wide claim.
    public init(vendorID: UInt16, family: String, kind: InstrumentKind) {
      self.vendorID = vendorID
      self.family = family
      self.kind = kind
    }
  }

  /// Every exact VID:PID, in table order.
  public let entries: [Entry]
  /// Vendors claimed whole.
  public let vendorFamilies: [VendorFamily]
  private let byID: [UInt32: Entry]
  private let byVendor: [UInt16: VendorFamily]

  /// A catalog of these rows; the first row of a duplicated ID wins.
  public init(entries: [Entry], vendorFamilies: [VendorFamily] = []) {
    self.entries = entries
    self.vendorFamilies = vendorFamilies
    byID = Dictionary(
      entries.map { (Self.key($0.vendorID, $0.productID), $0) },
      uniquingKeysWith: { first, _ in first })
    byVendor = Dictionary(
      vendorFamilies.map { ($0.vendorID, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The catalogs of several families as one.
  public init(joining parts: [DeviceCatalog]) {
    self.init(
      entries: parts.flatMap(\.entries), vendorFamilies: parts.flatMap(\.vendorFamilies))
  }

  /// The family (and model, when known) for a USB ID, or `nil` when no whitlockd driver would
  /// claim such a device.
  public func match(vendorID: UInt16, productID: UInt16) -> DeviceFamilyMatch? {
    if let entry = byID[Self.key(vendorID, productID)] { return entry.match }
    if let vendor = byVendor[vendorID] {
      return DeviceFamilyMatch(
        family: vendor.family, model: nil, deviceProtocol: nil, kind: vendor.kind)
    }
    return nil
  }

  private static func key(_ vendorID: UInt16, _ productID: UInt16) -> UInt32 {
    UInt32(vendorID) << 16 | UInt32(productID)
  }
}
