/// A band in the phosphate ν1 window that no known phase explains.
public struct ResidualBand: Sendable, Equatable {
  /// Centre (the residual's local maximum), cm⁻¹.
  public var centre = Double.nan
  /// Area summed over the rules' `residualBandWidth`, counts.
  public var area = Double.nan
  /// Area over its noise σ.
  public var significance = 0.0
  /// Area over the crystalline ν1 area.
  public var share = Double.nan

  /// An empty entry.
  public init() {}
}

/// The open-set checks of one spectrum (see `RamanPhaseRules.companionMinimumShare` and
/// `residualBandSignificance`): whether the ν1 band is a lone band, which bands the known phases
/// leave unexplained, and how well the phosphate window's model fits. Fixed storage for up to
/// three residual bands, so results stay allocation-free.
public struct OpenSetReport: Sendable, Equatable {
  /// Most residual bands kept.
  public static let capacity = 3
  /// The phosphate window's fit residual over the noise, squared (reduced χ²; 1 is a fit to the
  /// noise), when the window was fitted.
  public var phosphateMisfit: Double?
  /// Summed identifying-band share of the ν1 band (≈ 1 for any apatite–whitlockite mixture).
  public var companionShare: Double?
  /// σ of `companionShare`.
  public var companionShareSigma: Double?
  /// A ν1-window band without the companions a phosphate has: not called a phosphate.
  public var loneBand = false
  /// The known phases' full band pattern fits (no residual band).
  public var patternFits = true
  private var first = ResidualBand()
  private var second = ResidualBand()
  private var third = ResidualBand()
  /// Residual bands recorded (at most `capacity`).
  public private(set) var residualCount = 0

  /// Nothing checked yet.
  public init() {}

  /// Residual band `index` (0 ..< `residualCount`).
  public func residual(_ index: Int) -> ResidualBand {
    switch index {
    case 0: return first
    case 1: return second
    default: return third
    }
  }

  /// Records a residual band; beyond `capacity` the least significant is dropped.
  public mutating func add(_ band: ResidualBand) {
    if residualCount < Self.capacity {
      switch residualCount {
      case 0: first = band
      case 1: second = band
      default: third = band
      }
      residualCount += 1
      return
    }
    var weakest = 0
    for index in 1..<Self.capacity
    where residual(index).significance < residual(weakest).significance {
      weakest = index
    }
    guard band.significance > residual(weakest).significance else { return }
    switch weakest {
    case 0: first = band
    case 1: second = band
    default: third = band
    }
  }
}
