import AmptekDP5Family
import InstrumentFamilyKit
import OceanInsightFamily
import WasatchFamily
import WhitlockConfiguration
import WhitlockCore

/// The instrument families whitlockd drives: the one place a family is registered.
public enum InstrumentFamilies {
  /// Every family, in the order `whitlockctl devices` and the udev rules list them.
  public static let all: [any InstrumentFamily] = [
    SimulatedFamily(),
    AmptekDP5Family(),
    OceanInsightFamily(),
    WasatchFamily(),
  ]

  /// Every driver an `[[instrument]]` may name.
  public static let drivers: [DriverDeclaration] = all.flatMap(\.drivers)

  /// The USB IDs every family claims.
  public static let catalog = DeviceCatalog(joining: all.map(\.catalog))

  /// The udev rules every family needs, as shipped in systemd/60-whitlockd.rules.
  public static let udevRules: [UdevRule] = all.flatMap(\.udevRules)
}
