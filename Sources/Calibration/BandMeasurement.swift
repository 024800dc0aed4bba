/// Measures where known bands sit in a spectrum: each band is looked for within `search` cm⁻¹
/// of its reference and centred by a pseudo-Voigt fit; bands closer than 40 cm⁻¹ are fitted
/// together on one straight baseline. The fit window is the group ± (`search` + 8) cm⁻¹ around
/// the references, or, given `halfWidth`, the group ± `halfWidth` around where the bands were
/// found (a window that follows the bands stays on them however far the axis is off, and a
/// narrow one takes in less of the neighbours and the baseline's curvature, which bias the
/// centre). A band must stand five times the noise above it.
public enum BandMeasurement {
  /// The fit window's half-width (cm⁻¹) around the bands found, for checking an axis against a
  /// standard: on the CHARISMA round robin's polystyrene and calcite, a window of ±16 cm⁻¹ that
  /// follows the bands gave the lowest scatter of band positions around each setup's own axis
  /// (docs/calibration.md); the silicon fit that zeroes the laser keeps its wider window.
  public static let checkHalfWidth = 16.0

  /// The measured centre of each reference band (cm⁻¹), `nil` where the spectrum does not
  /// cover it or the fit fails. `x` ascending.
  public static func measure(
    x: [Double], y: [Double], references: [Double], search: Double = 12,
    halfWidth: Double? = nil
  ) -> [Double?] {
    measureBands(x: x, y: y, references: references, search: search, halfWidth: halfWidth).map {
      $0?.centre
    }
  }

  /// The fitted band (centre, width, height, area) of each reference band, `nil` where the
  /// spectrum does not cover it or the fit fails. `x` ascending.
  public static func measureBands(
    x: [Double], y: [Double], references: [Double], search: Double = 12,
    halfWidth: Double? = nil
  ) -> [FittedBand?] {
    var result: [Double: FittedBand] = [:]
    var groups: [[Double]] = []
    for reference in references.sorted() {
      if let last = groups.last?.last, reference - last < 40 {
        groups[groups.count - 1].append(reference)
      } else {
        groups.append([reference])
      }
    }
    guard x.count >= 8 else { return references.map { _ in nil } }
    var spacings = (1..<x.count).map { x[$0] - x[$0 - 1] }
    let step = PeakFinder.median(&spacings)
    let minimumHeight = 5 * PeakFinder.noise(y)
    for group in groups {
      let low = group[0] - search - 8
      let high = group[group.count - 1] + search + 8
      guard low >= x[0], high <= x[x.count - 1] else { continue }
      let indices = x.indices.filter { x[$0] > low && x[$0] < high }
      guard indices.count >= 3 * group.count + 6 else { continue }
      var xs = indices.map { x[$0] }
      var ys = indices.map { y[$0] }
      var first = (xs[0], ys[0])
      var last = (xs[xs.count - 1], ys[ys.count - 1])
      func baseline(_ v: Double) -> Double {
        first.1 + (last.1 - first.1) * (v - first.0) / (last.0 - first.0)
      }
      // The strongest band of the group is found within `search`; the others are looked for
      // where the same axis offset puts them (a weak band beside a strong one would otherwise
      // start on the strong one's flank).
      var maxima: [(index: Int, height: Double)] = []
      for reference in group {
        var best: Int?
        for i in xs.indices where abs(xs[i] - reference) < search {
          if best == nil || ys[i] - baseline(xs[i]) > ys[best!] - baseline(xs[best!]) { best = i }
        }
        guard let peak = best else { break }
        maxima.append((peak, ys[peak] - baseline(xs[peak])))
      }
      guard maxima.count == group.count else { continue }
      let strongest = maxima.indices.max { maxima[$0].height < maxima[$1].height } ?? 0
      let offset = xs[maxima[strongest].index] - group[strongest]
      // Refit over a window that follows the bands found, where it holds enough points (on a
      // coarse grid the wider window stays).
      if let halfWidth {
        let positions = maxima.map { xs[$0.index] }
        let from = group[0] + offset - halfWidth
        let to = group[group.count - 1] + offset + halfWidth
        let window = x.indices.filter { x[$0] > from && x[$0] < to }
        if window.count >= 3 * group.count + 6 {
          xs = window.map { x[$0] }
          ys = window.map { y[$0] }
          first = (xs[0], ys[0])
          last = (xs[xs.count - 1], ys[ys.count - 1])
          maxima = zip(positions, maxima).map { position, maximum in
            let index = xs.indices.min { abs(xs[$0] - position) < abs(xs[$1] - position) } ?? 0
            return (index, maximum.height)
          }
        }
      }
      let width = max(6, 2.5 * step)
      var starts: [BandFitter.Start] = []
      for (position, reference) in group.enumerated() {
        if position == strongest {
          starts.append(
            BandFitter.Start(
              band: FittedBand(
                centre: xs[maxima[position].index], width: width, height: maxima[position].height),
              centreBounds: (reference - search)...(reference + search)))
        } else {
          let expected = reference + offset
          let nearest = xs.indices.min { abs(xs[$0] - expected) < abs(xs[$1] - expected) } ?? 0
          let slack = max(4, 1.5 * step)
          starts.append(
            BandFitter.Start(
              band: FittedBand(
                centre: expected, width: width,
                height: max(ys[nearest] - baseline(xs[nearest]), 1e-9)),
              centreBounds: (expected - slack)...(expected + slack)))
        }
      }
      guard starts.count == group.count,
        let bands = BandFitter.fit(x: xs, y: ys, starts: starts)
      else { continue }
      for (reference, band) in zip(group, bands) where band.height > minimumHeight {
        result[reference] = band
      }
    }
    return references.map { result[$0] }
  }
}

/// One reference band checked against a spectrum.
public struct BandCheck: Sendable, Equatable {
  /// Reference position, cm⁻¹.
  public var reference: Double
  /// Measured position on the axis checked, cm⁻¹; `nil` when not measurable.
  public var measured: Double?
  /// Measured − reference, cm⁻¹.
  public var residual: Double? { measured.map { $0 - reference } }
}

/// Checks an axis against a reference standard's bands.
public struct StandardCheck: Sendable {
  /// The standard checked.
  public var standard: ReferenceStandard
  /// One row per checked band.
  public var bands: [BandCheck]

  /// Root mean square of the residuals of the bands measured; `nil` when none was.
  public var rms: Double? {
    let residuals = bands.compactMap(\.residual)
    guard !residuals.isEmpty else { return nil }
    return (residuals.map { $0 * $0 }.reduce(0, +) / Double(residuals.count)).squareRoot()
  }

  /// Measures `standard`'s bands in `spectrum`, on `calibration`'s axis or the vendor's.
  public init(
    standard: ReferenceStandard, spectrum: VendorSpectrum, calibration: WavenumberCalibration?,
    siliconReference: Double? = nil
  ) {
    self.standard = standard
    var references = standard.checkedBands
    if standard == .silicon {
      references = [
        siliconReference ?? calibration?.siliconReference ?? ReferenceStandard.siliconDefault
      ]
    }
    let axis = calibration?.shifts(of: spectrum) ?? spectrum.shifts
    let measured = BandMeasurement.measure(
      x: axis, y: spectrum.intensities, references: references,
      halfWidth: BandMeasurement.checkHalfWidth)
    bands = zip(references, measured).map { BandCheck(reference: $0, measured: $1) }
  }
}
