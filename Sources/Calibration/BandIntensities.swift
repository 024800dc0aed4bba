/// Relative band areas of a reference standard, as measured and after an intensity-response
/// correction: how an instrument's response shapes band ratios, and what the correction leaves
/// of it. Polystyrene's 620.9 and 1602.3 cm⁻¹ bands are given relative to 1001.4, calcite's 711.9
/// relative to 1085.9 (bands far apart in shift, where the response differs most).
public struct BandIntensities: Sendable, Equatable {
  /// One band's area relative to the reference band.
  public struct Row: Sendable, Equatable {
    /// Reference position of the band, cm⁻¹.
    public var band: Double
    /// Area ÷ the reference band's area, uncorrected; `nil` when a band was not measured.
    public var measured: Double?
    /// The same after the correction; `nil` without a correction or outside its range.
    public var corrected: Double?
  }

  /// The standard measured.
  public var standard: ReferenceStandard
  /// The band the areas are relative to, cm⁻¹.
  public var referenceBand: Double
  /// The other bands.
  public var rows: [Row]

  /// The bands compared for `standard` and the one they are relative to; `nil` for standards
  /// without an intensity comparison.
  public static func bands(of standard: ReferenceStandard) -> (
    reference: Double, others: [Double]
  )? {
    switch standard {
    case .polystyrene: return (1001.4, [620.9, 1602.3])
    case .calcite: return (1085.9, [711.9])
    case .cyclohexane, .paracetamol, .silicon: return nil
    }
  }

  /// Measures the relative areas of `standard`'s bands in `spectrum` on `axis` (the vendor axis
  /// when `nil`), corrected with `response` when given; `nil` for a standard without bands to
  /// compare.
  public init?(
    standard: ReferenceStandard, spectrum: VendorSpectrum, axis: WavenumberCalibration?,
    response: IntensityCalibration?
  ) {
    guard let chosen = Self.bands(of: standard) else { return nil }
    self.standard = standard
    referenceBand = chosen.reference
    let shifts = axis?.shifts(of: spectrum) ?? spectrum.shifts
    let order = shifts.indices.sorted { shifts[$0] < shifts[$1] }
    let x = order.map { shifts[$0] }
    let y = order.map { spectrum.intensities[$0] }
    // Fitted with every checked band, so that close neighbours (1031.8, 1583.1) are fitted
    // beside the bands compared instead of being taken into their areas.
    let references = standard.checkedBands
    let fitted = BandMeasurement.measureBands(x: x, y: y, references: references)
    func band(_ position: Double) -> FittedBand? {
      references.firstIndex(of: position).flatMap { fitted[$0] }
    }
    func correctedArea(_ fit: FittedBand) -> Double? {
      response?.factor(atShift: fit.centre).map { fit.area * $0 }
    }
    let reference = band(chosen.reference)
    rows = chosen.others.map { position in
      guard let fit = band(position), let reference else {
        return Row(band: position, measured: nil, corrected: nil)
      }
      let corrected = correctedArea(fit).flatMap { area in
        correctedArea(reference).map { area / $0 }
      }
      return Row(band: position, measured: fit.area / reference.area, corrected: corrected)
    }
  }
}
