#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The energy axis and line-width law of one spectrum as the fit found them: E = offset +
/// scale·E_nominal, FWHM(E) = sqrt(fwhmZero² + fwhmSlope·E).
public struct XRFAxisFit: Sendable, Equatable {
  /// Shift of the energy axis, keV.
  public var offset = 0.0
  /// Scale of the energy axis (1 = as recorded).
  public var scale = 1.0
  /// Electronic-noise width FWHM0, keV.
  public var fwhmZero = 0.07
  /// Fano slope of FWHM², keV.
  public var fwhmSlope = 0.002327
  /// Fraction of each line's area in its short low-energy tail (incomplete charge collection in
  /// the detector; PyMca's hypermet "short tail"), 0 for pure Gaussians.
  public var tailFraction = 0.0
  /// Decay length of the tail, in units of the line's Gaussian σ.
  public var tailSlope = 1.0
  /// Height of the flat shelf (step) each line leaves below its energy, relative to the line's
  /// Gaussian peak height (PyMca's "step height ratio"), 0 for none.
  public var stepHeight = 0.0

  /// FWHM at `energy` keV.
  func fwhm(_ energy: Double) -> Double {
    (fwhmZero * fwhmZero + fwhmSlope * max(energy, 0)).squareRoot()
  }
}

/// Weighted linear least squares of XRF line families (each family one area: its lines with
/// tied intensities, plus their Si escape peaks), an optional sum-peak column and an optional
/// polynomial background, on a fixed axis; and a Levenberg–Marquardt refinement of that axis
/// (offset, scale, FWHM0, Fano slope) around the linear solution (variable projection: every
/// trial axis re-solves the areas). Areas are in counts. σ from the covariance, inflated by the
/// reduced χ² when it exceeds 1.
///
/// Buffers are reused between spectra; one per pipeline.
final class XRFFamilyFit {
  /// Energy (as recorded) of each point, counts to fit, 1/variance weights.
  private var x: UnsafePointer<Double>?
  private var target: UnsafePointer<Double>?
  private var weights: UnsafePointer<Double>?
  private var count = 0
  /// KeV between points as recorded.
  private var spacing = 1.0
  /// The families fitted and whether their lines produce escape peaks.
  private(set) var families: [XRFLineFamily] = []
  private var escapes = true
  /// Polynomial background columns (order + 1), 0 for none.
  private var polynomialColumns = 0
  /// Smooth background-correction columns: triangular (linear B-spline) functions with knots
  /// this far apart (keV, recorded axis), or none. Each spans two knot spacings, far wider than
  /// a line, so it takes up what a background estimate missed without taking a line's area.
  private var hatSpacing: Double?
  private var hatColumns = 0
  /// Energy below which the correction is zero: its first knot is one spacing above.
  private var hatStart = 0.0
  /// Sum-peak (pile-up) lines: energy and weight; empty for none.
  private var sumLines: [(energy: Double, weight: Double)] = []

  private let design = ScratchBuffer(capacity: 4096)
  private let normal = ScratchBuffer(capacity: 1024)
  private let factor = ScratchBuffer(capacity: 1024)
  private let inverse = ScratchBuffer(capacity: 1024)
  private let inverseScratch = ScratchBuffer(capacity: 1024)
  private let rhs = ScratchBuffer(capacity: 64)
  private let scaling = ScratchBuffer(capacity: 64)
  private let residuals = ScratchBuffer(capacity: 1024)
  private let jacobian = ScratchBuffer(capacity: 4096)
  private let base = ScratchBuffer(capacity: 1024)
  /// Running sums of weight and weight × target (n + 1 each), of weight × column over each
  /// column's explicit points, and the plateau subtraction of the residuals.
  private let weightSums = ScratchBuffer(capacity: 1024)
  private let weightedTargetSums = ScratchBuffer(capacity: 1024)
  private let columnSums = ScratchBuffer(capacity: 4096)
  private let plateauSteps = ScratchBuffer(capacity: 1024)
  /// Levenberg–Marquardt scratch: parameters, their steps and bounds, a shifted copy, JᵀJ, Jᵀr,
  /// the damped matrix, its factor and the step.
  private let lmScratch = ScratchBuffer(capacity: 256)
  /// Each column's explicit points [support[2j], support[2j + 1]); below them the column holds
  /// the constant `plateaus[j]` (the steps of the lines above), above them zero.
  private var support: [Int] = []
  private var plateaus: [Double] = []

  /// Areas (counts) of the columns of the last solve: families, then the sum peak, then the
  /// polynomial.
  private(set) var solution: [Double] = []
  /// σ of each column's coefficient.
  private(set) var sigmas: [Double] = []
  /// Reduced χ² of the last solve.
  private(set) var reducedChiSquare = Double.nan
  /// Weighted χ² of the last solve.
  private(set) var chiSquare = Double.nan

  /// Number of columns.
  var columnCount: Int {
    families.count + (sumLines.isEmpty ? 0 : 1) + polynomialColumns + hatColumns
  }
  /// Index of the sum-peak column, if any.
  var sumColumn: Int? { sumLines.isEmpty ? nil : families.count }

  /// Sets the data (pointers valid until the fit ends) and the model's columns.
  func prepare(
    x: UnsafePointer<Double>, target: UnsafePointer<Double>, weights: UnsafePointer<Double>,
    count: Int, families: [XRFLineFamily], escapes: Bool, polynomialOrder: Int,
    backgroundSpacing: Double? = nil, backgroundStart: Double = -.infinity
  ) {
    self.x = x
    self.target = target
    self.weights = weights
    self.count = count
    spacing = count > 1 ? (x[count - 1] - x[0]) / Double(count - 1) : 1
    self.families = families
    self.escapes = escapes
    polynomialColumns = polynomialOrder >= 0 ? polynomialOrder + 1 : 0
    hatSpacing = backgroundSpacing.flatMap { $0 > 0 ? $0 : nil }
    hatColumns = 0
    hatStart = max(backgroundStart, x[0] - (hatSpacing ?? 0))
    if let hatSpacing, count > 1, x[count - 1] > hatStart + hatSpacing {
      hatColumns = Int(((x[count - 1] - hatStart) / hatSpacing).rounded(.up))
    }
    sumLines = []
  }

  /// Replaces the family list (auto-selection), keeping the data.
  func setFamilies(_ families: [XRFLineFamily]) { self.families = families }

  /// Sets the sum-peak lines (energy, relative weight), or none.
  func setSumLines(_ lines: [(energy: Double, weight: Double)]) { sumLines = lines }

  /// The shape constants of one line: σ, the Gaussian's area per point, tail and step.
  private struct LineShape {
    var sigma: Double
    var norm: Double
    var tail: Double
    var shelf: Double
    var beta: Double
    /// Distance below the centre beyond which only the step's plateau is left.
    var reach: Double

    init(width: Double, weight: Double, axis: XRFAxisFit, spacing: Double) {
      sigma = width / (8 * log(2.0)).squareRoot()
      norm = weight * axis.scale * spacing / (sigma * (2 * Double.pi).squareRoot())
      tail = min(max(axis.tailFraction, 0), 1)
      shelf = max(axis.stepHeight, 0)
      beta = max(axis.tailSlope, 0.3) * sigma
      reach = 6 * sigma + (tail > 0 ? 12 * beta : 0)
    }
  }

  /// The points a line needs computed one by one: from `reach` below its centre (clamped to
  /// 0…count) to 6σ above (clamped to count − 1); nil when the whole line lies below the first
  /// point (nothing of it, not even its step, reaches the fit).
  private func explicitRange(centre: Double, shape: LineShape, axis: XRFAxisFit) -> (
    first: Int, last: Int
  )? {
    guard let x, count > 1, shape.sigma > 0, shape.norm != 0 else { return nil }
    let low = ((centre - shape.reach - axis.offset) / axis.scale - x[0]) / spacing
    let high = ((centre + 6 * shape.sigma - axis.offset) / axis.scale - x[0]) / spacing
    guard high >= 0 else { return nil }
    if shape.shelf <= 0 && low > Double(count - 1) { return nil }
    let first = min(max(Int(low.rounded(.up)), 0), count)
    let last = min(Int(high.rounded(.down)), count - 1)
    return (first, last)
  }

  /// Adds a unit-area line at `centre` (keV, true axis) with `width` FWHM times `weight` into
  /// `column` from point `start` up; the line is a Gaussian, or with `axis.tailFraction` /
  /// `axis.stepHeight` set, the hypermet shape of an energy-dispersive detector (G. W. Phillips
  /// and K. W. Marlow, NIM 137 (1976) 525; as in PyMca): (1 − f)·Gaussian + f·short tail (an
  /// exponential of decay length β·σ below the centre convolved with the Gaussian) + a step of
  /// the given height relative to the Gaussian's peak, which reaches from the line down to the
  /// first point. Below `start` the step is a constant: returns its height, which the column
  /// keeps as its plateau instead of writing it point by point.
  private func addLine(
    _ column: UnsafeMutablePointer<Double>, centre: Double, width: Double, weight: Double,
    axis: XRFAxisFit, index: Int, from start: Int
  ) -> Double {
    let shape = LineShape(width: width, weight: weight, axis: axis, spacing: spacing)
    guard let x, let range = explicitRange(centre: centre, shape: shape, axis: axis) else {
      return 0
    }
    let plateau = shape.norm * shape.shelf
    let first = shape.shelf > 0 ? start : max(start, range.first)
    let last = range.last
    guard first <= last else { return plateau }
    let gaussian = shape.norm * (1 - shape.tail)
    let sigma = shape.sigma
    let beta = shape.beta
    let tailNorm = weight * axis.scale * spacing * shape.tail / (2 * beta)
    let tailShift = sigma * sigma / (2 * beta * beta)
    let root2 = 2.0.squareRoot()
    for i in first...last {
      let distance = axis.offset + axis.scale * x[i] - centre
      // Far below the line only the step's plateau is left.
      if distance < -shape.reach {
        column[i] += plateau
        continue
      }
      let d = distance / sigma
      // Beyond 6σ below the centre the Gaussian is under 2·10⁻⁸ of its peak and the step is
      // its plateau (erfc → 2); erfc(u) is 2 to 10⁻¹⁶ for u < −5.9. Those points cost one exp.
      let core = d >= -6
      var value = core ? gaussian * exp(-0.5 * d * d) : 0
      if shape.tail > 0 {
        let argument = d / root2 + sigma / (root2 * beta)
        if argument < 26 {
          let spread = argument < -5.9 ? 2 : erfc(argument)
          value += tailNorm * exp(distance / beta + tailShift) * spread
        }
      }
      if shape.shelf > 0 { value += core ? plateau * 0.5 * erfc(d / root2) : plateau }
      column[i] += value
    }
    support[2 * index] = min(support[2 * index], first)
    support[2 * index + 1] = max(support[2 * index + 1], last + 1)
    return plateau
  }

  /// The first point column `index` computes one by one: the lowest explicit point of its
  /// lines (count when none reaches the fit but by its step).
  private func columnStart(
    lines: (_ visit: (_ centre: Double, _ width: Double, _ weight: Double) -> Void) -> Void,
    axis: XRFAxisFit
  ) -> Int {
    var start = count
    lines { centre, width, weight in
      let shape = LineShape(width: width, weight: weight, axis: axis, spacing: spacing)
      if let range = explicitRange(centre: centre, shape: shape, axis: axis) {
        start = min(start, range.first)
      }
    }
    return start
  }

  /// Fills column `index` of the design `d` with the lines `lines` visits: point by point from
  /// the lowest explicit point of any of them, their steps' sum as the plateau below.
  private func fillLineColumn(
    _ index: Int, of d: UnsafeMutablePointer<Double>, axis: XRFAxisFit,
    lines: (_ visit: (_ centre: Double, _ width: Double, _ weight: Double) -> Void) -> Void
  ) {
    let column = d + index * count
    let start = columnStart(lines: lines, axis: axis)
    var plateau = 0.0
    lines { centre, width, weight in
      plateau += addLine(
        column, centre: centre, width: width, weight: weight, axis: axis, index: index,
        from: start)
    }
    plateaus[index] = plateau
    support[2 * index] = min(support[2 * index], start)
  }

  /// Visits every line of `family` (and its escape peaks) as centre, FWHM and weight.
  private func visitLines(
    of family: XRFLineFamily, axis: XRFAxisFit,
    _ visit: (_ centre: Double, _ width: Double, _ weight: Double) -> Void
  ) {
    let alpha = max(family.alphaIntensity, 1e-12)
    for line in family.lines {
      let weight = line.relativeIntensity / alpha
      visit(line.energy, axis.fwhm(line.energy), weight)
      if escapes {
        let fraction = XRFLineLibrary.siliconEscapeFraction(line.energy)
        if fraction > 0 {
          let energy = line.energy - XRFPipelineSettings.siliconKAlpha
          visit(energy, axis.fwhm(energy), weight * fraction)
        }
      }
    }
  }

  /// Visits every sum-peak line as centre, FWHM and weight.
  private func visitSumLines(
    axis: XRFAxisFit, _ visit: (_ centre: Double, _ width: Double, _ weight: Double) -> Void
  ) {
    for line in sumLines { visit(line.energy, axis.fwhm(line.energy), line.weight) }
  }

  /// Fills the design matrix (column-major) for `axis`.
  private func buildDesign(_ axis: XRFAxisFit) -> UnsafeMutablePointer<Double> {
    let m = columnCount
    let n = count
    let d = design.reserve(n * m)
    d.update(repeating: 0, count: n * m)
    if support.count < 2 * m { support = [Int](repeating: 0, count: 2 * m) }
    if plateaus.count < m { plateaus = [Double](repeating: 0, count: m) }
    for j in 0..<m {
      support[2 * j] = n
      support[2 * j + 1] = 0
      plateaus[j] = 0
    }
    for (j, family) in families.enumerated() {
      fillLineColumn(j, of: d, axis: axis) { visitLines(of: family, axis: axis, $0) }
    }
    if let sum = sumColumn {
      fillLineColumn(sum, of: d, axis: axis) { visitSumLines(axis: axis, $0) }
    }
    if polynomialColumns > 0, let x {
      let base = families.count + (sumLines.isEmpty ? 0 : 1)
      let centre = (x[0] + x[n - 1]) / 2
      let half = max((x[n - 1] - x[0]) / 2, 1e-12)
      for i in 0..<n {
        let u = (x[i] - centre) / half
        var power = 1.0
        for k in 0..<polynomialColumns {
          d[(base + k) * n + i] = power
          power *= u
        }
      }
      for k in 0..<polynomialColumns {
        support[2 * (base + k)] = 0
        support[2 * (base + k) + 1] = n
      }
    }
    if hatColumns > 0, let x, let hatSpacing {
      let base = families.count + (sumLines.isEmpty ? 0 : 1) + polynomialColumns
      for k in 0..<hatColumns {
        let knot = hatStart + Double(k + 1) * hatSpacing
        let column = d + (base + k) * n
        var first = n
        var last = 0
        for i in 0..<n {
          let value = 1 - abs(x[i] - knot) / hatSpacing
          if value > 0 {
            column[i] = value
            first = min(first, i)
            last = i + 1
          }
        }
        support[2 * (base + k)] = min(first, last)
        support[2 * (base + k) + 1] = last
      }
    }
    for j in 0..<m where support[2 * j + 1] < support[2 * j] { support[2 * j + 1] = support[2 * j] }
    return d
  }

  /// Σ weight × column `a` over its explicit points below `point` (zero at or below its first).
  @inline(__always)
  private func explicitSum(_ a: Int, below point: Int, sums: UnsafePointer<Double>) -> Double {
    let first = support[2 * a]
    let end = min(point, support[2 * a + 1])
    return end > first ? sums[a * (count + 1) + end - first] : 0
  }

  /// Solves for every column's coefficient at `axis`; false when the system is singular or
  /// has too few points. Fills `solution`, χ² and, with `covariance`, `sigmas` (a trial of the
  /// axis refinement needs only χ² and the residuals).
  ///
  /// A column is its explicit points plus, below them, a constant plateau (the steps of its
  /// lines): the products with plateaus come from running sums, so a step that reaches the
  /// first point costs no more than a Gaussian.
  @discardableResult
  func solve(axis: XRFAxisFit, covariance: Bool = true) -> Bool {
    guard let target, let weights else { return false }
    let m = columnCount
    let n = count
    guard m > 0, n > m + 2 else { return false }
    let d = buildDesign(axis)
    let nm = normal.reserve(m * m)
    let g = rhs.reserve(m)
    let s = scaling.reserve(m)
    var hasPlateau = false
    for a in 0..<m where plateaus[a] != 0 { hasPlateau = true }
    let wSums = weightSums.reserve(n + 1)
    let wySums = weightedTargetSums.reserve(n + 1)
    let cSums = columnSums.reserve(hasPlateau ? m * (n + 1) : 1)
    if hasPlateau {
      wSums[0] = 0
      wySums[0] = 0
      for i in 0..<n {
        wSums[i + 1] = wSums[i] + weights[i]
        wySums[i + 1] = wySums[i] + weights[i] * target[i]
      }
      for a in 0..<m {
        let column = d + a * n
        let sums = cSums + a * (n + 1)
        let first = support[2 * a]
        sums[0] = 0
        var running = 0.0
        for i in first..<support[2 * a + 1] {
          running += weights[i] * column[i]
          sums[i - first + 1] = running
        }
      }
    }
    for a in 0..<m {
      let columnA = d + a * n
      let firstA = support[2 * a]
      var sum = 0.0
      for i in firstA..<support[2 * a + 1] {
        sum += weights[i] * columnA[i] * target[i]
      }
      if hasPlateau { sum += plateaus[a] * wySums[firstA] }
      g[a] = sum
      for b in 0...a {
        let columnB = d + b * n
        let firstB = support[2 * b]
        let low = max(firstA, firstB)
        let high = min(support[2 * a + 1], support[2 * b + 1])
        var product = 0.0
        if low < high {
          for i in low..<high { product += weights[i] * columnA[i] * columnB[i] }
        }
        if hasPlateau {
          // Both on their plateaus, then one on its plateau while the other is explicit.
          product += plateaus[a] * plateaus[b] * wSums[min(firstA, firstB)]
          if firstA < firstB {
            product += plateaus[b] * explicitSum(a, below: firstB, sums: cSums)
          } else if firstB < firstA {
            product += plateaus[a] * explicitSum(b, below: firstA, sums: cSums)
          }
        }
        nm[a * m + b] = product
        nm[b * m + a] = product
      }
    }
    // Jacobi scaling (a column with no support gets unit scale and a unit diagonal: area 0).
    for a in 0..<m {
      let diagonal = nm[a * m + a]
      s[a] = diagonal > 0 && diagonal.isFinite ? 1 / diagonal.squareRoot() : 1
      if !(diagonal > 0) { nm[a * m + a] = 1 }
    }
    for a in 0..<m {
      for b in 0..<m { nm[a * m + b] *= s[a] * s[b] }
      nm[a * m + a] += 1e-10
    }
    let f = factor.reserve(m * m)
    guard DenseCholesky.factor(nm, n: m, into: f) else { return false }
    if solution.count != m {
      solution = [Double](repeating: 0, count: m)
      sigmas = [Double](repeating: 0, count: m)
    }
    let inv = inverse.reserve(m * m)
    if covariance {
      DenseCholesky.invert(factor: f, n: m, into: inv, scratch: inverseScratch.reserve(m * m))
      for a in 0..<m {
        var sum = 0.0
        for b in 0..<m { sum += inv[a * m + b] * s[b] * g[b] }
        solution[a] = sum * s[a]
      }
    } else {
      let scaled = inverseScratch.reserve(m)
      for a in 0..<m { scaled[a] = s[a] * g[a] }
      DenseCholesky.solve(factor: f, n: m, scaled)
      for a in 0..<m { solution[a] = scaled[a] * s[a] }
    }
    var chi = 0.0
    let r = residuals.reserve(n)
    for i in 0..<n { r[i] = target[i] }
    for a in 0..<m {
      let column = d + a * n
      let value = solution[a]
      for i in support[2 * a]..<support[2 * a + 1] {
        r[i] -= value * column[i]
      }
    }
    if hasPlateau {
      let steps = plateauSteps.reserve(n + 1)
      steps.update(repeating: 0, count: n + 1)
      for a in 0..<m where plateaus[a] != 0 {
        steps[0] += solution[a] * plateaus[a]
        steps[support[2 * a]] -= solution[a] * plateaus[a]
      }
      var level = 0.0
      for i in 0..<n {
        level += steps[i]
        r[i] -= level
      }
    }
    for i in 0..<n {
      let root = weights[i].squareRoot()
      r[i] *= root
      chi += r[i] * r[i]
    }
    chiSquare = chi
    reducedChiSquare = chi / Double(n - m)
    if covariance {
      let inflation = max(reducedChiSquare, 1)
      for a in 0..<m {
        let variance = inv[a * m + a] * s[a] * s[a] * inflation
        sigmas[a] = variance >= 0 && variance.isFinite ? variance.squareRoot() : .nan
      }
    }
    return chi.isFinite
  }

  /// Refines offset, scale and the width law by Levenberg–Marquardt on χ² (forward-difference
  /// Jacobian of the weighted residuals, each evaluation re-solving the areas), within
  /// ±`offsetLimit` keV, ±1 % scale, FWHM0 0.02–0.3 keV and slope 0.0019–0.0029 keV (Fano factors
  /// 0.09–0.14 of silicon); with `lineTails`, also the hypermet tail fraction (0–0.3), its decay
  /// length (0.3–5 σ) and the step height (0–10⁻³ of the peak), shared by every line. Returns
  /// the axis with the lowest χ² found (and leaves the fit solved there).
  func refine(
    from start: XRFAxisFit, offsetLimit: Double, lineTails: Bool = false, iterations: Int = 12
  ) -> XRFAxisFit {
    var axis = start
    guard solve(axis: axis, covariance: false) else { return start }
    let n = count
    var chi = chiSquare
    var lambda = 1e-3
    let free = lineTails ? 7 : 4
    let scratch = lmScratch.reserve(256)
    let p = scratch
    let q = scratch + 7
    let steps = scratch + 14
    let lower = scratch + 21
    let upper = scratch + 28
    let jtj = scratch + 35
    let jtr = scratch + 84
    let damped = scratch + 91
    let f = scratch + 140
    let delta = scratch + 189
    // Forward-difference steps: offset, scale, FWHM0, slope, tail fraction, length, step.
    steps[0] = 1e-4
    steps[1] = 1e-5
    steps[2] = 1e-4
    steps[3] = 1e-5
    steps[4] = 1e-4
    steps[5] = 1e-3
    steps[6] = 1e-6
    lower[0] = start.offset - offsetLimit
    upper[0] = start.offset + offsetLimit
    lower[1] = start.scale * 0.99
    upper[1] = start.scale * 1.01
    lower[2] = 0.02
    upper[2] = 0.3
    lower[3] = 0.0019
    upper[3] = 0.0029
    lower[4] = 0
    upper[4] = 0.3
    lower[5] = 0.3
    upper[5] = 5
    lower[6] = 0
    upper[6] = 1e-3
    func store(_ a: XRFAxisFit, into v: UnsafeMutablePointer<Double>) {
      v[0] = a.offset
      v[1] = a.scale
      v[2] = a.fwhmZero
      v[3] = a.fwhmSlope
      v[4] = a.tailFraction
      v[5] = a.tailSlope
      v[6] = a.stepHeight
    }
    func axisFrom(_ v: UnsafePointer<Double>) -> XRFAxisFit {
      func bounded(_ k: Int) -> Double { min(max(v[k], lower[k]), upper[k]) }
      var axis = start
      axis.offset = bounded(0)
      axis.scale = bounded(1)
      axis.fwhmZero = bounded(2)
      axis.fwhmSlope = bounded(3)
      if free == 7 {
        axis.tailFraction = bounded(4)
        axis.tailSlope = bounded(5)
        axis.stepHeight = bounded(6)
      }
      return axis
    }
    iterating: for _ in 0..<iterations {
      let r0 = base.reserve(n)
      let current = residuals.pointer
      for i in 0..<n { r0[i] = current[i] }
      store(axis, into: p)
      let j = jacobian.reserve(free * n)
      for k in 0..<free {
        for l in 0..<7 { q[l] = p[l] }
        q[k] += steps[k]
        guard solve(axis: axisFrom(q), covariance: false) else { break iterating }
        let shifted = residuals.pointer
        for i in 0..<n { j[k * n + i] = (shifted[i] - r0[i]) / steps[k] }
      }
      for a in 0..<free {
        var gradient = 0.0
        for i in 0..<n { gradient -= j[a * n + i] * r0[i] }
        jtr[a] = gradient
        for b in 0...a {
          var sum = 0.0
          for i in 0..<n { sum += j[a * n + i] * j[b * n + i] }
          jtj[a * free + b] = sum
          jtj[b * free + a] = sum
        }
      }
      // A parameter that does not move χ² (a tail on a spectrum without lines) keeps a unit
      // diagonal so the damped system stays solvable.
      for a in 0..<free where !(jtj[a * free + a] > 0) { jtj[a * free + a] = 1 }
      var improved = false
      for _ in 0..<6 {
        for k in 0..<(free * free) { damped[k] = jtj[k] }
        for a in 0..<free { damped[a * free + a] *= 1 + lambda }
        guard DenseCholesky.factor(damped, n: free, into: f) else {
          lambda *= 10
          continue
        }
        for a in 0..<free { delta[a] = jtr[a] }
        DenseCholesky.solve(factor: f, n: free, delta)
        for l in 0..<7 { q[l] = l < free ? p[l] + delta[l] : p[l] }
        let trial = axisFrom(q)
        if solve(axis: trial, covariance: false), chiSquare < chi {
          let gain = (chi - chiSquare) / max(chi, 1e-300)
          axis = trial
          chi = chiSquare
          lambda = max(lambda / 10, 1e-7)
          improved = true
          if gain < 1e-6 { break iterating }
          break
        }
        lambda *= 10
      }
      if !improved { break }
    }
    solve(axis: axis)
    return axis
  }
}
