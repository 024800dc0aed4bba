import WhitlockCore

/// One location the simulated probe measures: what the Raman and XRF instruments see there and
/// the ground truth written into their acquisitions.
public struct SimulatedPoint: Sendable, Equatable {
  /// Position of the point in the schedule, from 0.
  public var index: Int
  /// Stable identifier shared by the Raman and XRF acquisitions at this point.
  public var pointID: String
  /// What the Raman spectrometer sees.
  public var raman: RamanComposition
  /// What the XRF detector sees.
  public var xrf: XRFComposition

  /// Creates a point from its schedule position, identifier and compositions.
  public init(index: Int, pointID: String, raman: RamanComposition, xrf: XRFComposition) {
    self.index = index
    self.pointID = pointID
    self.raman = raman
    self.xrf = xrf
  }

  /// The ground truth as a JSON object for an acquisition's `simulation_truth`; the whitlockite
  /// fraction is `null` where there is no phosphate.
  public var truth: JSONValue {
    let isPhosphate = raman.calcification == .phosphate
    let isOxalate = raman.calcification == .oxalate
    return .object([
      ("point_id", .string(pointID)),
      ("calcification", .string(raman.calcification.rawValue)),
      ("phosphate_strength", .number(isPhosphate ? raman.phosphateStrength : 0)),
      ("whitlockite_fraction", isPhosphate ? .number(raman.whitlockiteFraction) : .null),
      ("acp_amount", .number(isPhosphate ? raman.acpAmount : 0)),
      ("carbonate_amount", .number(isPhosphate ? raman.carbonateAmount : 0)),
      ("oxalate_strength", .number(isOxalate ? raman.oxalateStrength : 0)),
      ("oxalate_dihydrate_fraction", isOxalate ? .number(raman.oxalateDihydrateFraction) : .null),
      ("mg_ca_molar", .number(xrf.mgToCaMolar)),
      ("calcium_strength", .number(xrf.calciumStrength)),
    ])
  }
}
