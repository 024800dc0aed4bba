import Foundation

/// Why a calibration could not be made; names the file at fault.
public struct CalibrationError: Error, CustomStringConvertible, Equatable {
  /// The file at fault.
  public var file: String
  /// What is wrong, and what to do.
  public var message: String

  public var description: String { "\(file): \(message)" }
}

/// Makes a `WavenumberCalibration` from a lamp spectrum and a silicon spectrum.
///
/// The procedure needs no tuning per instrument: the lamp's peaks (above 8× noise, centred by
/// pseudo-Voigt fits) are matched to the NIST lines that have no comparable neighbour within
/// 1.5 line widths; the offset between vendor axis and lines is found by a vote over ±60 cm⁻¹;
/// then, eight times, every peak is paired with its nearest line within a window that shrinks
/// to four times the robust residual scatter, a polynomial of degree ≤ 3 (one degree per four
/// lines) is fitted, and pairs beyond four robust deviations are dropped.
public enum AxisCalibrator {
  /// The calibration from `lamp` (a lamp spectrum) and `silicon`.
  ///
  /// - Parameters:
  ///   - excitationNanometres: the laser wavelength the vendor computed Raman shifts with, for
  ///     files that do not state it (the files' own value wins).
  ///   - siliconReference: the silicon band's true position, cm⁻¹.
  ///   - created: the time stamp recorded.
  public static func calibrate(
    lamp: VendorSpectrum, lampKind: CalibrationLamp = .neon, silicon: VendorSpectrum,
    excitationNanometres: Double?, siliconReference: Double = ReferenceStandard.siliconDefault,
    created: String
  ) throws(CalibrationError) -> WavenumberCalibration {
    try calibrate(
      lamp: lamp, lampKind: lampKind, silicon: [silicon],
      excitationNanometres: excitationNanometres, siliconReference: siliconReference,
      created: created)
  }

  /// The calibration from `lamp` and one or more silicon spectra (wafers or repeats of one
  /// setup): the laser is zeroed on the median of their band positions. One silicon spectrum
  /// carries its own placement and wafer scatter (0.4–1.5 cm⁻¹ between the wafers of one
  /// CHARISMA setup, and not by dopant); the median of several does not follow any one of them.
  public static func calibrate(
    lamp: VendorSpectrum, lampKind: CalibrationLamp = .neon, silicon silicons: [VendorSpectrum],
    excitationNanometres: Double?, siliconReference: Double = ReferenceStandard.siliconDefault,
    created: String
  ) throws(CalibrationError) -> WavenumberCalibration {
    guard !silicons.isEmpty else {
      throw CalibrationError(file: lamp.source, message: "no silicon spectrum given")
    }
    guard let lampLaser = lamp.statedExcitationNanometres ?? excitationNanometres else {
      throw CalibrationError(
        file: lamp.source,
        message:
          "the file gives Raman shifts without the laser wavelength they were computed with; pass --excitation-nm"
      )
    }
    let observed = lamp.absoluteWavenumbers(excitationNanometres: lampLaser)
    // Ascending absolute wavenumber for the peak search.
    let x = Array(observed.reversed())
    let y = Array(lamp.intensities.reversed())
    let peaks = PeakFinder.peaks(x: x, y: y)
    guard peaks.count >= 4 else {
      throw CalibrationError(
        file: lamp.source,
        message:
          "only \(peaks.count) peaks stand 8× above the noise; is this a \(lampKind.rawValue) lamp spectrum?"
      )
    }
    let low = x[0]
    let high = x[x.count - 1]
    var widths = peaks.map(\.width)
    let lineWidth = PeakFinder.median(&widths)
    let lines = isolatedLines(lampKind.lines, within: (low - 20)...(high + 20), width: lineWidth)
    guard lines.count >= 3 else {
      throw CalibrationError(
        file: lamp.source,
        message:
          "the spectrum covers \(Int(low))–\(Int(high)) cm⁻¹ absolute, where the \(lampKind.rawValue) table has only \(lines.count) isolated lines"
      )
    }
    let centres = peaks.map(\.centre)
    let weights = peaks.map { log1p($0.prominence) }
    let offset = bestOffset(centres: centres, weights: weights, lines: lines)

    let centre = (low + high) / 2
    let halfRange = max((high - low) / 2, 1)
    var coefficients = [offset]
    var tolerance = 2.0
    var matched: [(observed: Double, line: Double)] = []
    var rms = 0.0
    for _ in 0..<8 {
      let current = coefficients
      var pairs = pairsWithin(tolerance, centres: centres, lines: lines) {
        $0 + LinearSolve.evaluate(current, at: ($0 - centre) / halfRange)
      }
      guard pairs.count >= 3 else { break }
      let degree = min(3, max(0, (pairs.count - 1) / 4))
      var scatter = 0.0
      for _ in 0..<3 {
        guard
          let fit = LinearSolve.polynomialFit(
            t: pairs.map { ($0.observed - centre) / halfRange },
            v: pairs.map { $0.line - $0.observed },
            degree: degree)
        else { break }
        coefficients = fit
        var deviations = pairs.map {
          abs(
            $0.line - $0.observed
              - LinearSolve.evaluate(fit, at: ($0.observed - centre) / halfRange))
        }
        scatter = 1.4826 * PeakFinder.median(&deviations) + 1e-3
        let limit = max(4 * scatter, 0.15)
        let kept = pairs.filter {
          abs(
            $0.line - $0.observed
              - LinearSolve.evaluate(fit, at: ($0.observed - centre) / halfRange)) < limit
        }
        if kept.count < degree + 2 { break }
        pairs = kept
      }
      matched = pairs
      tolerance = max(0.5, 4 * scatter)
    }
    guard matched.count >= 4 else {
      throw CalibrationError(
        file: lamp.source,
        message:
          "only \(matched.count) of its \(peaks.count) peaks match NIST \(lampKind.rawValue) lines; is this a \(lampKind.rawValue) lamp spectrum on this instrument?"
      )
    }
    let residuals = matched.map {
      $0.line - $0.observed
        - LinearSolve.evaluate(coefficients, at: ($0.observed - centre) / halfRange)
    }
    rms = (residuals.map { $0 * $0 }.reduce(0, +) / Double(residuals.count)).squareRoot()
    let fittedLow = matched.map(\.observed).min() ?? low
    let fittedHigh = matched.map(\.observed).max() ?? high
    // Re-express the polynomial on the span of the matched lines, so beyond it the
    // correction continues linearly instead of following a cubic's tails.
    let newCentre = (fittedLow + fittedHigh) / 2
    let newHalf = max((fittedHigh - fittedLow) / 2, 1)
    let samples = (0...16).map { fittedLow + (fittedHigh - fittedLow) * Double($0) / 16 }
    let values = samples.map { LinearSolve.evaluate(coefficients, at: ($0 - centre) / halfRange) }
    let rescaled =
      LinearSolve.polynomialFit(
        t: samples.map { ($0 - newCentre) / newHalf }, v: values, degree: coefficients.count - 1)
      ?? coefficients

    var calibration = WavenumberCalibration(
      created: created, lamp: lampKind, lampFile: lamp.source,
      siliconFile: silicons.map(\.source).joined(separator: ", "),
      vendorExcitationNanometres: lampLaser, correctionCentre: newCentre,
      correctionHalfRange: newHalf, correction: rescaled, laserWavenumber: 1e7 / lampLaser,
      siliconReference: siliconReference, siliconVendorShift: 0, linesMatched: matched.count,
      lineFitRMS: rms)

    var shifts: [Double] = []
    var absolutes: [Double] = []
    for silicon in silicons {
      let siliconLaser = silicon.statedExcitationNanometres ?? excitationNanometres ?? lampLaser
      guard
        let siliconShift = BandMeasurement.measure(
          x: silicon.shifts, y: silicon.intensities, references: [siliconReference], search: 25
        ).first ?? nil
      else {
        throw CalibrationError(
          file: silicon.source,
          message:
            "no silicon band found within ±25 cm⁻¹ of \(siliconReference) cm⁻¹ on the file's axis")
      }
      shifts.append(siliconShift)
      absolutes.append(calibration.correctedWavenumber(vendor: 1e7 / siliconLaser - siliconShift))
    }
    calibration.siliconVendorShift = PeakFinder.median(&shifts)
    calibration.laserWavenumber = PeakFinder.median(&absolutes) + siliconReference
    return calibration
  }

  /// Lines in `range` (vacuum wavenumbers) with no neighbour of at least a fifth of their
  /// intensity within 1.5 × `width`: a blend would be fitted as one peak between the two.
  static func isolatedLines(
    _ table: [EmissionLine], within range: ClosedRange<Double>, width: Double
  )
    -> [Double]
  {
    let inRange = table.map { ($0.vacuumWavenumber, $0.relativeIntensity) }.filter {
      range.contains($0.0)
    }
    return inRange.filter { line in
      !inRange.contains { other in
        other.0 != line.0 && abs(other.0 - line.0) < 1.5 * width && other.1 >= 0.2 * line.1
      }
    }.map(\.0).sorted()
  }

  /// The offset (cm⁻¹, step 0.1 within ±60) that puts the most peak weight within 1 cm⁻¹ of a line.
  static func bestOffset(centres: [Double], weights: [Double], lines: [Double]) -> Double {
    var best = (score: -1.0, offset: 0.0)
    for step in -600...600 {
      let offset = Double(step) / 10
      var score = 0.0
      for (centre, weight) in zip(centres, weights)
      where distanceToNearest(centre + offset, in: lines) < 1 {
        score += weight
      }
      if score > best.score { best = (score, offset) }
    }
    return best.offset
  }

  /// Pairs each peak with its nearest line when within `tolerance` after `correct`; a line
  /// claimed by two peaks keeps the closer.
  static func pairsWithin(
    _ tolerance: Double, centres: [Double], lines: [Double], correct: (Double) -> Double
  ) -> [(observed: Double, line: Double)] {
    var byLine: [Int: (observed: Double, distance: Double)] = [:]
    for centre in centres {
      let predicted = correct(centre)
      let index = nearestIndex(predicted, in: lines)
      let distance = abs(lines[index] - predicted)
      guard distance < tolerance else { continue }
      if let existing = byLine[index], existing.distance <= distance { continue }
      byLine[index] = (centre, distance)
    }
    return byLine.sorted { $0.key < $1.key }.map {
      (observed: $0.value.observed, line: lines[$0.key])
    }
  }

  static func nearestIndex(_ value: Double, in sorted: [Double]) -> Int {
    var low = 0
    var high = sorted.count - 1
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    if low > 0 && abs(sorted[low - 1] - value) < abs(sorted[low] - value) { return low - 1 }
    return low
  }

  static func distanceToNearest(_ value: Double, in sorted: [Double]) -> Double {
    abs(sorted[nearestIndex(value, in: sorted)] - value)
  }
}
