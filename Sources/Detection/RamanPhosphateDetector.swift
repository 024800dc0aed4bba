import WhitlockCore

/// Measures the phosphate ν1 bands of one Raman spectrum and the whitlockite fraction
/// A970 / (A961 + A970).
///
/// Over the window it fits, by linear least squares, counts = b0 + b1·u + h·L961 + w·L970, where u
/// is the shift relative to the window centre (scaled to ±1) and L are unit-height Lorentzians of
/// fixed centre and width. The normal equations are solved by Cholesky; the parameter covariance is
/// the residual variance times (XᵀX)⁻¹. Areas are amplitude·π·FWHM/2 divided by the mean pixel
/// width, i.e. counts. The fraction's σ follows by first-order error propagation with the HAP /
/// whitlockite covariance. All buffers are held by the detector and reused: after the first
/// spectrum of a given length, `detect` does not allocate in its numeric loops.
///
/// Known limits, measured on the simulator's spectra (default settings): the fixed Lorentzians
/// misfit pseudo-Voigt bands and the window's upper end catches the tail of phenylalanine at
/// 1003 cm⁻¹, biasing the fraction by about −0.045 at 0 and +0.01 at 0.8 (MAE 0.027 at default
/// signal-to-noise); there is no despiking, so a cosmic ray inside the window spoils that
/// spectrum's fit; ACP at ~950 cm⁻¹ is not modelled separately.
public struct RamanPhosphateDetector: Sendable {
  /// The detector's parameters.
  public var settings: RamanDetectorSettings

  private var cachedCalibration: AxisCalibration?
  private var axis: [Double] = []
  private var windowShift: [Double] = []
  private var windowCounts: [Double] = []
  private var normal = [Double](repeating: 0, count: 16)
  private var factor = [Double](repeating: 0, count: 16)
  private var inverse = [Double](repeating: 0, count: 16)
  private var solution = [Double](repeating: 0, count: 4)
  private var scratch = [Double](repeating: 0, count: 4)

  /// Creates a detector; buffers grow on the first spectrum and are kept.
  public init(settings: RamanDetectorSettings = RamanDetectorSettings()) {
    self.settings = settings
  }

  /// Analyses one acquisition.
  public mutating func detect(_ acquisition: Acquisition) -> RamanPhosphateResult {
    detect(counts: acquisition.counts, axis: acquisition.axis, fullScale: acquisition.fullScale)
  }

  /// Analyses raw counts on the given calibration; counts ≥ `fullScale` are saturated.
  public mutating func detect(
    counts: [UInt32], axis calibration: AxisCalibration, fullScale: UInt32
  )
    -> RamanPhosphateResult
  {
    var result = RamanPhosphateResult(settings: settings)
    guard case .wavelengthPolynomial = calibration else {
      result.flags.append(.fitDegenerate)
      return result
    }
    if cachedCalibration != calibration || axis.count != counts.count {
      calibration.fillAxis(&axis, count: counts.count)
      cachedCalibration = calibration
    }
    let saturated = collectWindow(counts: counts, fullScale: fullScale)
    result.windowPixels = windowShift.count
    result.saturatedPixels = saturated
    if saturated > 0 { result.flags.append(.saturated) }
    guard windowShift.count >= max(settings.minimumWindowPixels, 5), settings.bandFWHM > 0,
      fitWindow()
    else {
      result.flags.append(.fitDegenerate)
      return result
    }
    fillResult(&result)
    return result
  }

  /// Copies the window's shifts and counts into the reused buffers; returns saturated pixels.
  private mutating func collectWindow(counts: [UInt32], fullScale: UInt32) -> Int {
    windowShift.removeAll(keepingCapacity: true)
    windowCounts.removeAll(keepingCapacity: true)
    let lower = min(settings.windowLower, settings.windowUpper)
    let upper = max(settings.windowLower, settings.windowUpper)
    var saturated = 0
    for index in 0..<counts.count {
      let shift = axis[index]
      guard shift >= lower, shift <= upper else { continue }
      windowShift.append(shift)
      windowCounts.append(Double(counts[index]))
      if counts[index] >= fullScale { saturated += 1 }
    }
    return saturated
  }

  /// The four basis functions at `shift`.
  @inline(__always)
  private func basis(_ shift: Double) -> (Double, Double, Double, Double) {
    let centre = (settings.windowLower + settings.windowUpper) / 2
    let halfSpan = max(abs(settings.windowUpper - settings.windowLower) / 2, 1e-9)
    let halfWidth = settings.bandFWHM / 2
    let hap = (shift - settings.hapCentre) / halfWidth
    let whitlockite = (shift - settings.whitlockiteCentre) / halfWidth
    return (
      1, (shift - centre) / halfSpan, 1 / (1 + hap * hap), 1 / (1 + whitlockite * whitlockite)
    )
  }

  /// Accumulates and solves the normal equations XᵀX·θ = Xᵀy; false when they are degenerate.
  private mutating func fitWindow() -> Bool {
    for index in 0..<16 { normal[index] = 0 }
    for index in 0..<4 { solution[index] = 0 }
    for point in 0..<windowShift.count {
      let b = basis(windowShift[point])
      let terms = (b.0, b.1, b.2, b.3)
      let y = windowCounts[point]
      withUnsafeBytes(of: terms) { raw in
        let values = raw.bindMemory(to: Double.self)
        for row in 0..<4 {
          solution[row] += values[row] * y
          for column in 0...row { normal[row * 4 + column] += values[row] * values[column] }
        }
      }
    }
    for row in 0..<4 {
      for column in (row + 1)..<4 { normal[row * 4 + column] = normal[column * 4 + row] }
    }
    guard SymmetricSolver4.factor(normal, into: &factor) else { return false }
    SymmetricSolver4.solve(factor: factor, &solution)
    SymmetricSolver4.invert(factor: factor, into: &inverse, column: &scratch)
    return solution.allSatisfy(\.isFinite)
  }

  /// Residual variance, areas, covariance-based σ, detection decision and fraction.
  private func fillResult(_ result: inout RamanPhosphateResult) {
    let count = windowShift.count
    var residualSum = 0.0
    for point in 0..<count {
      let b = basis(windowShift[point])
      let model = solution[0] * b.0 + solution[1] * b.1 + solution[2] * b.2 + solution[3] * b.3
      let residual = windowCounts[point] - model
      residualSum += residual * residual
    }
    let variance = residualSum / Double(count - 4)
    result.residualRMS = (residualSum / Double(count)).squareRoot()
    let first = windowShift[0]
    let last = windowShift[count - 1]
    let pixelWidth = abs(last - first) / Double(count - 1)
    guard pixelWidth > 0, variance.isFinite else {
      result.flags.append(.fitDegenerate)
      return
    }
    let toArea = Double.pi * settings.bandFWHM / 2 / pixelWidth
    let hap = solution[2] * toArea
    let whitlockite = solution[3] * toArea
    let hapVariance = max(variance * inverse[2 * 4 + 2], 0) * toArea * toArea
    let whitlockiteVariance = max(variance * inverse[3 * 4 + 3], 0) * toArea * toArea
    let covariance = variance * inverse[2 * 4 + 3] * toArea * toArea
    let total = hap + whitlockite
    let totalVariance = max(hapVariance + whitlockiteVariance + 2 * covariance, 0)
    let totalSigma = totalVariance.squareRoot()
    result.hapArea = hap
    result.hapAreaSigma = hapVariance.squareRoot()
    result.whitlockiteArea = whitlockite
    result.whitlockiteAreaSigma = whitlockiteVariance.squareRoot()
    result.phosphateArea = total
    result.phosphateAreaSigma = totalSigma
    let detected = total > 0 && total >= settings.detectionThreshold * totalSigma
    result.phosphateDetected = detected
    guard detected else { return }
    let fraction = whitlockite / total
    let total4 = total * total * total * total
    let fractionVariance =
      (hap * hap * whitlockiteVariance + whitlockite * whitlockite * hapVariance
        - 2 * hap * whitlockite * covariance) / total4
    let fractionSigma = max(fractionVariance, 0).squareRoot()
    guard fraction.isFinite, fractionSigma.isFinite else {
      result.flags.append(.fitDegenerate)
      return
    }
    result.whitlockiteFraction = fraction
    result.whitlockiteFractionSigma = fractionSigma
    if fractionSigma > settings.maximumFractionSigma { result.flags.append(.lowSNR) }
  }
}
