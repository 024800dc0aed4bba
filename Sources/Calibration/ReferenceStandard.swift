/// Materials whose Raman band positions check a calibrated axis.
///
/// Polystyrene, cyclohexane and paracetamol (acetaminophen): ASTM E1840-96 (reapproved 2022),
/// *Standard Guide for Raman Shift Standards for Spectrometer Calibration*, Table 1 (consensus
/// positions, cm⁻¹). Calcite: the positions the CHARISMA round robin uses for its natural and
/// synthetic calcite (281.3, 711.9 and 1085.9 cm⁻¹; the ramanchada2 package's `calcite_cwa`
/// table). Silicon: the first-order optical phonon, 520.45 cm⁻¹ in the CHARISMA protocol.
public enum ReferenceStandard: String, Sendable, CaseIterable {
  case polystyrene
  case cyclohexane
  case paracetamol
  case calcite
  case silicon

  /// Every reference band of the standard, cm⁻¹.
  public var allBands: [Double] {
    switch self {
    case .polystyrene:
      return [620.9, 795.8, 1001.4, 1031.8, 1155.3, 1450.5, 1583.1, 1602.3, 2852.4, 2904.5, 3054.3]
    case .cyclohexane:
      return [384.1, 426.3, 801.3, 1028.3, 1157.6, 1266.4, 1444.4, 2664.4, 2852.9, 2923.8, 2938.3]
    case .paracetamol:
      return [
        213.3, 329.2, 390.9, 465.1, 504.0, 651.6, 710.8, 797.2, 834.5, 857.9, 968.7, 1105.5, 1168.5,
        1236.8, 1278.5, 1323.9, 1371.5, 1515.1, 1561.5, 1648.4, 2931.1, 3064.6, 3102.4, 3326.6,
      ]
    case .calcite: return [281.3, 711.9, 1085.9]
    case .silicon: return [Self.siliconDefault]
    }
  }

  /// The bands `calibrate check` measures: the strong ones that stand clear of their
  /// neighbours in the fingerprint region, where a pseudo-Voigt fit gives a reliable centre
  /// (weak shoulders and the overlapping C–H stretches would measure the fit, not the axis).
  public var checkedBands: [Double] {
    switch self {
    case .polystyrene: return [620.9, 1001.4, 1031.8, 1155.3, 1583.1, 1602.3]
    case .cyclohexane: return [801.3, 1028.3, 1266.4, 1444.4]
    case .paracetamol: return [651.6, 797.2, 857.9, 1168.5, 1236.8, 1323.9, 1561.5, 1648.4]
    case .calcite: return [281.3, 711.9, 1085.9]
    case .silicon: return [Self.siliconDefault]
    }
  }

  /// The silicon band position used to zero the laser unless a calibration says otherwise.
  public static let siliconDefault = 520.45
}
