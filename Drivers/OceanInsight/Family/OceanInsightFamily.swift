import InstrumentFamilyKit
import OceanInsight
import WhitlockConfiguration
import WhitlockCore

extension DriverName {
  /// Ocean Insight spectrometer speaking OBP (QE Pro, STS) over USB or serial.
  public static let oceanOBP = DriverName("ocean-obp")
  /// Ocean Insight spectrometer speaking the legacy OOI commands (USB2000+, HR4000, …).
  public static let oceanOOI = DriverName("ocean-ooi")
}

extension DeviceProtocol {
  /// Ocean Optics legacy single-byte command set (USB2000+, HR4000, QE65000, Maya…).
  public static let ooi = DeviceProtocol("OOI")
  /// Ocean Binary Protocol, version 0x1100 (STS, QE Pro, Spark, Ventana, HDX…).
  public static let obp = DeviceProtocol("OBP")
  /// Ocean Binary Protocol 2, version 0x2000 (Ocean ST, SR and HR series on VID 0x0999).
  public static let obp2 = DeviceProtocol("OBP2")
}

/// The Ocean Insight (Ocean Optics) family: OBP and OOI drivers, every product of VID 0x2457 and
/// the OBP2 series on VID 0x0999 (protocols-detail.md §2.1).
public struct OceanInsightFamily: InstrumentFamily {
  /// Ocean Insight (Ocean Optics) for legacy and OBP-1 devices.
  public static let vendorID: UInt16 = 0x2457
  /// The VID of the newer Ocean series speaking OBP2.
  public static let obp2VendorID: UInt16 = 0x0999

  /// The declaration.
  public init() {}

  public var name: String { "ocean-insight" }

  public var drivers: [DriverDeclaration] {
    [
      DriverDeclaration(name: .oceanOBP, kinds: [.raman]) {
        reader, _ throws(ConfigurationError) in
        try OceanDeviceConfiguration.read(&reader, commandSet: .obp)
      },
      DriverDeclaration(name: .oceanOOI, kinds: [.raman]) {
        reader, _ throws(ConfigurationError) in
        try OceanDeviceConfiguration.read(&reader, commandSet: .ooi)
      },
    ]
  }

  public var catalog: DeviceCatalog {
    DeviceCatalog(
      entries: Self.models.map { productID, model, proto in
        .init(
          vendorID: Self.vendorID, productID: productID, family: name, model: model,
          deviceProtocol: proto, kind: .raman)
      }
        + Self.obp2Models.map { productID, model in
          .init(
            vendorID: Self.obp2VendorID, productID: productID, family: name, model: model,
            deviceProtocol: .obp2, kind: .raman)
        },
      vendorFamilies: [.init(vendorID: Self.vendorID, family: name, kind: .raman)])
  }

  public var udevRules: [UdevRule] {
    [
      UdevRule(
        title: "Ocean Insight / Ocean Optics spectrometers (all products)",
        vendorID: Self.vendorID, group: .whitlockd, desktopAccess: true, family: name)
    ]
      + Self.obp2Models.map { productID, model in
        UdevRule(
          title: "Ocean Insight \(model) (OBP2)", vendorID: Self.obp2VendorID,
          productID: productID, group: .whitlockd, desktopAccess: true, family: name)
      }
  }

  private static let models: [(UInt16, String, DeviceProtocol)] = [
    (0x101E, "USB2000+", .ooi),
    (0x1002, "USB2000", .ooi),
    (0x100A, "HR2000", .ooi),
    (0x1012, "HR4000", .ooi),
    (0x1016, "HR2000+", .ooi),
    (0x1014, "USB650", .ooi),
    (0x1018, "QE65000", .ooi),
    (0x1022, "USB4000", .ooi),
    (0x1026, "NIRQuest512", .ooi),
    (0x1028, "NIRQuest256", .ooi),
    (0x102A, "Maya2000 Pro", .ooi),
    (0x102C, "Maya2000", .ooi),
    (0x1046, "Maya LSL", .ooi),
    (0x1040, "Torus", .ooi),
    (0x1044, "Apex", .ooi),
    (0x2000, "Jaz", .ooi),
    (0x104B, "Flame-NIR", .ooi),
    (0x1004, "ADC1000-USB", .ooi),
    (0x2001, "Flame-X", .obp),
    (0x4000, "STS", .obp),
    (0x4004, "QE Pro", .obp),
    (0x4200, "Spark", .obp),
    (0x5000, "Ventana", .obp),
    (0x2003, "HDX", .obp),
  ]

  private static let obp2Models: [(UInt16, String)] = [
    (0x1000, "Ocean ST"),
    (0x1001, "Ocean SR2"),
    (0x1002, "Ocean SR4"),
    (0x1003, "Ocean HR2"),
    (0x1004, "Ocean HR4"),
    (0x1005, "Ocean SR6"),
    (0x1006, "Ocean HR6"),
  ]
}
