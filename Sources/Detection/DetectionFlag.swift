import WhitlockCore

/// A quality flag attached to a detection result, written into records by its raw value.
public enum DetectionFlag: String, Sendable, Hashable, CaseIterable {
  /// At least one pixel or channel used by the measurement is at the detector's full scale.
  case saturated
  /// The measurement is too noisy to be useful: for Raman a phosphate band is hinted at but not
  /// detected, or the whitlockite fraction's σ exceeds the configured limit; for XRF the Ca line
  /// is not significant.
  case lowSNR = "low_snr"
  /// Cosmic-ray spikes were found and replaced before fitting.
  case spikesRemoved = "spikes_removed"
  /// A nonlinear fit stopped at its iteration limit.
  case notConverged = "not_converged"
  /// A fit could not be solved (too few points in a window, singular normal equations).
  case fitDegenerate = "fit_degenerate"
  /// The spectrum's axis is not what the pipeline expects (wrong kind, not monotonic, or the
  /// fit windows lie outside it).
  case axisUnsupported = "axis_unsupported"
  /// XRF only: the Mg line is not significant, so the ratio is an upper-bound-like estimate.
  case magnesiumNotSignificant = "mg_not_significant"
  /// XRF only: no relative sensitivity factor is configured, so the ratio is a raw net-area ratio.
  case uncalibrated
  /// Raman only: a band in the phosphate ν1 window that no known phase explains (a lone band
  /// without the companions a phosphate has, or a band left over by the fit of the known phases).
  case unassignedBand = "unassigned_band"
}

extension DetectionFlag {
  /// Bit position in `QualityFlags` (a switch, so no array of cases is built per call).
  var bit: UInt32 {
    switch self {
    case .saturated: return 0
    case .lowSNR: return 1
    case .spikesRemoved: return 2
    case .notConverged: return 3
    case .fitDegenerate: return 4
    case .axisUnsupported: return 5
    case .magnesiumNotSignificant: return 6
    case .uncalibrated: return 7
    case .unassignedBand: return 8
    }
  }
}

/// A set of `DetectionFlag`s stored in one integer, so results carry flags without allocating.
public struct QualityFlags: OptionSet, Sendable, Hashable {
  /// One bit per `DetectionFlag`, in declaration order.
  public var rawValue: UInt32

  /// Creates a set from its bits.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// The set holding one flag.
  public init(_ flag: DetectionFlag) {
    rawValue = 1 << flag.bit
  }

  /// Whether `flag` is set.
  public func contains(_ flag: DetectionFlag) -> Bool { contains(QualityFlags(flag)) }

  /// Sets `flag`.
  public mutating func insert(_ flag: DetectionFlag) { formUnion(QualityFlags(flag)) }

  /// The flags in declaration order.
  public var flags: [DetectionFlag] { DetectionFlag.allCases.filter { contains($0) } }

  /// The flags as a JSON array of their names.
  public var jsonValue: JSONValue { .array(flags.map { .string($0.rawValue) }) }
}

extension Array where Element == DetectionFlag {
  /// The flags as a JSON array of their names.
  var jsonValue: JSONValue { .array(map { .string($0.rawValue) }) }
}
