import InstrumentFamilyKit
import Wasatch
import WhitlockConfiguration
import WhitlockCore

extension DriverName {
  /// Wasatch Photonics spectrometer (FX2 or ARM) with laser interlock.
  public static let wasatch = DriverName("wasatch")
}

extension DeviceProtocol {
  /// Wasatch Photonics "Feature Identification Device" vendor control requests.
  public static let wasatchFID = DeviceProtocol("FID")
}

/// The Wasatch Photonics family: one Raman driver, every product of VID 0x24AA.
///
/// Its devices carry a laser, so their nodes go to group `whitlock-laser` and never to the
/// desktop user (protocols-detail.md §3.1).
public struct WasatchFamily: InstrumentFamily {
  /// The declaration.
  public init() {}

  public var name: String { "wasatch" }

  public var drivers: [DriverDeclaration] {
    [
      DriverDeclaration(name: .wasatch, kinds: [.raman]) { reader, _ throws(ConfigurationError) in
        try WasatchDeviceConfiguration.read(&reader)
      }
    ]
  }

  public var catalog: DeviceCatalog {
    DeviceCatalog(
      entries: [
        (0x1000, "FX2 (silicon)"), (0x2000, "FX2 InGaAs"), (0x4000, "ARM"),
      ].map { productID, model in
        .init(
          vendorID: WasatchInstrument.vendorID, productID: productID, family: name, model: model,
          deviceProtocol: .wasatchFID, kind: .raman)
      },
      vendorFamilies: [.init(vendorID: WasatchInstrument.vendorID, family: name, kind: .raman)])
  }

  public var udevRules: [UdevRule] {
    [
      UdevRule(
        title: "Wasatch Photonics spectrometers (all products); no uaccess: laser safety",
        vendorID: WasatchInstrument.vendorID, group: .laser, desktopAccess: false, family: name)
    ]
  }
}
