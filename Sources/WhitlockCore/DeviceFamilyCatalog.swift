/// The wire protocol a driver family speaks to a device, as far as the USB identity tells.
public enum DeviceProtocol: String, Sendable, Hashable, CaseIterable {
  /// Amptek DP5 packet protocol (sync bytes F5 FA), shared by DP5, X-123, PX5 and MCA8000D.
  case dp5 = "DP5"
  /// Ocean Optics legacy single-byte command set (USB2000+, HR4000, QE65000, Maya…).
  case ooi = "OOI"
  /// Ocean Binary Protocol, version 0x1100 (STS, QE Pro, Spark, Ventana, HDX…).
  case obp = "OBP"
  /// Ocean Binary Protocol 2, version 0x2000 (Ocean ST, SR and HR series on VID 0x0999).
  case obp2 = "OBP2"
  /// Wasatch Photonics "Feature Identification Device" vendor control requests.
  case wasatchFID = "FID"
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
  public var modelDescription: String { model ?? DeviceFamilyCatalog.unknownModel }
}

/// The table of USB vendor and product IDs whitlockd's drivers recognise.
///
/// Exact VID:PID entries come first; a vendor whose every device belongs to one family (Ocean
/// Insight 0x2457, Wasatch 0x24AA) also matches unknown product IDs as "unknown model". Silicon Labs
/// (0x10C4) is deliberately not a vendor-wide match: that VID is shared by every CP210x USB-serial
/// adapter, so only the Amptek product 0x842A belongs to a family.
/// Facts from /work/shared/reference/protocols-detail.md §1.1, §2.1 and §3.1.
public enum DeviceFamilyCatalog {
  /// The Amptek DP5 driver family (DP5, X-123, PX5, MCA8000D).
  public static let amptekFamily = "amptek-dp5"
  /// The Ocean Insight / Ocean Optics driver family.
  public static let oceanFamily = "ocean-insight"
  /// The Wasatch Photonics driver family.
  public static let wasatchFamily = "wasatch"
  /// The model text shown for a device of a known vendor whose product ID is not listed.
  public static let unknownModel = "unknown model"

  /// Silicon Labs, used by Amptek for the DP5 family.
  public static let siliconLabsVendorID: UInt16 = 0x10C4
  /// Ocean Insight (Ocean Optics) for legacy and OBP-1 devices.
  public static let oceanVendorID: UInt16 = 0x2457
  /// The VID of the newer Ocean series speaking OBP2.
  public static let oceanOBP2VendorID: UInt16 = 0x0999
  /// Wasatch Photonics.
  public static let wasatchVendorID: UInt16 = 0x24AA

  /// One row of the table: an exact VID:PID and what it is.
  public struct Entry: Sendable, Hashable {
    /// USB vendor ID.
    public var vendorID: UInt16
    /// USB product ID.
    public var productID: UInt16
    /// What a device with this ID is.
    public var match: DeviceFamilyMatch
  }

  /// Every exact VID:PID the catalog knows, in table order.
  public static let entries: [Entry] = amptekEntries + oceanEntries + wasatchEntries

  /// Vendors whose unknown product IDs still belong to one family.
  public static let vendorFamilies: [UInt16: (family: String, kind: InstrumentKind)] = [
    oceanVendorID: (oceanFamily, .raman),
    wasatchVendorID: (wasatchFamily, .raman),
  ]

  /// The family (and model, when known) for a USB ID, or `nil` when no whitlockd driver would
  /// claim such a device.
  public static func match(vendorID: UInt16, productID: UInt16) -> DeviceFamilyMatch? {
    if let entry = byID[key(vendorID, productID)] { return entry.match }
    if let vendor = vendorFamilies[vendorID] {
      return DeviceFamilyMatch(
        family: vendor.family, model: nil, deviceProtocol: nil, kind: vendor.kind)
    }
    return nil
  }

  private static let byID: [UInt32: Entry] = Dictionary(
    entries.map { (key($0.vendorID, $0.productID), $0) }, uniquingKeysWith: { first, _ in first })

  private static func key(_ vendorID: UInt16, _ productID: UInt16) -> UInt32 {
    UInt32(vendorID) << 16 | UInt32(productID)
  }

  private static func entry(
    _ vendorID: UInt16, _ productID: UInt16, _ family: String, _ model: String,
    _ deviceProtocol: DeviceProtocol, _ kind: InstrumentKind
  ) -> Entry {
    Entry(
      vendorID: vendorID, productID: productID,
      match: DeviceFamilyMatch(
        family: family, model: model, deviceProtocol: deviceProtocol, kind: kind))
  }

  private static let amptekEntries: [Entry] = [
    entry(
      siliconLabsVendorID, 0x842A, amptekFamily, "DP5/X-123/PX5/MCA8000D", .dp5, .xrf)
  ]

  private static func ocean(_ productID: UInt16, _ model: String, _ proto: DeviceProtocol)
    -> Entry
  {
    entry(oceanVendorID, productID, oceanFamily, model, proto, .raman)
  }

  private static func oceanOBP2(_ productID: UInt16, _ model: String) -> Entry {
    entry(oceanOBP2VendorID, productID, oceanFamily, model, .obp2, .raman)
  }

  private static let oceanEntries: [Entry] = [
    ocean(0x101E, "USB2000+", .ooi),
    ocean(0x1002, "USB2000", .ooi),
    ocean(0x100A, "HR2000", .ooi),
    ocean(0x1012, "HR4000", .ooi),
    ocean(0x1016, "HR2000+", .ooi),
    ocean(0x1014, "USB650", .ooi),
    ocean(0x1018, "QE65000", .ooi),
    ocean(0x1022, "USB4000", .ooi),
    ocean(0x1026, "NIRQuest512", .ooi),
    ocean(0x1028, "NIRQuest256", .ooi),
    ocean(0x102A, "Maya2000 Pro", .ooi),
    ocean(0x102C, "Maya2000", .ooi),
    ocean(0x1046, "Maya LSL", .ooi),
    ocean(0x1040, "Torus", .ooi),
    ocean(0x1044, "Apex", .ooi),
    ocean(0x2000, "Jaz", .ooi),
    ocean(0x104B, "Flame-NIR", .ooi),
    ocean(0x1004, "ADC1000-USB", .ooi),
    ocean(0x2001, "Flame-X", .obp),
    ocean(0x4000, "STS", .obp),
    ocean(0x4004, "QE Pro", .obp),
    ocean(0x4200, "Spark", .obp),
    ocean(0x5000, "Ventana", .obp),
    ocean(0x2003, "HDX", .obp),
    oceanOBP2(0x1000, "Ocean ST"),
    oceanOBP2(0x1001, "Ocean SR2"),
    oceanOBP2(0x1002, "Ocean SR4"),
    oceanOBP2(0x1003, "Ocean HR2"),
    oceanOBP2(0x1004, "Ocean HR4"),
    oceanOBP2(0x1005, "Ocean SR6"),
    oceanOBP2(0x1006, "Ocean HR6"),
  ]

  private static func wasatch(_ productID: UInt16, _ model: String) -> Entry {
    entry(wasatchVendorID, productID, wasatchFamily, model, .wasatchFID, .raman)
  }

  private static let wasatchEntries: [Entry] = [
    wasatch(0x1000, "FX2 (silicon)"),
    wasatch(0x2000, "FX2 InGaAs"),
    wasatch(0x4000, "ARM"),
  ]
}
