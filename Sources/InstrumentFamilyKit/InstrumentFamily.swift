import WhitlockConfiguration
import WhitlockCore

/// Everything whitlockd knows about one instrument family, declared in the family's own folder:
/// the drivers the configuration may name (with their keys, the device they need, the
/// instrument and emulation they build), the USB IDs the family claims, and the udev rules its
/// devices need.
///
/// The configuration loader, the daemon's factory, `doctor`, `whitlockctl devices` and the
/// shipped udev rules read these declarations; none switches on a family's name. A new family
/// is a folder with its codec, driver and declaration, plus one line in
/// `InstrumentFamilies.all` (see docs/ARCHITECTURE.md, "Adding an instrument family").
public protocol InstrumentFamily: Sendable {
  /// The family's name in the catalog and in udev's `WHITLOCKD_FAMILY`, e.g. `ocean-insight`.
  var name: String { get }
  /// The drivers the family offers to `[[instrument]] driver = …`.
  var drivers: [DriverDeclaration] { get }
  /// The USB IDs the family claims.
  var catalog: DeviceCatalog { get }
  /// The udev rules that give whitlockd (and only it, for lasers) access to the devices.
  var udevRules: [UdevRule] { get }
}

extension InstrumentFamily {
  public var udevRules: [UdevRule] { [] }
  public var catalog: DeviceCatalog { DeviceCatalog(entries: []) }
}
