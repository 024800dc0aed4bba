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
  private var support: [Int] = []

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

  /// Adds a unit-area line at `centre` (keV, true axis) with `width` FWHM times `weight` into
  /// `column`, over the points where it is not negligible; widens the column's support. The
  /// line is a Gaussian, or with `axis.tailFraction` / `axis.stepHeight` set, the hypermet
  /// shape of an energy-dispersive detector (G. W. Phillips and K. W. Marlow, NIM 137 (1976)
  /// 525; as in PyMca): (1 − f)·Gaussian + f·short tail (an exponential of decay length β·σ
  /// below the centre convolved with the Gaussian) + a step of the given height relative to
  /// the Gaussian's peak, which reaches from the line down to the first point.
  private func addGaussian(
    _ column: UnsafeMutablePointer<Double>, centre: Double, width: Double, weight: Double,
    axis: XRFAxisFit, index: Int
  ) {
    guard let x, count > 1, width > 0, weight != 0 else { return }
    let sigma = width / (8 * log(2.0)).squareRoot()
    let step = axis.scale * spacing
    let norm = weight * step / (sigma * (2 * Double.pi).squareRoot())
    let tail = min(max(axis.tailFraction, 0), 1)
    let shelf = max(axis.stepHeight, 0)
    let beta = max(axis.tailSlope, 0.3) * sigma
    // Points whose true energy lies within ±6σ of the centre, extended by 12 tail lengths below
    // with a tail, and down to the first point with a step.
    var reach = 6 * sigma
    if tail > 0 { reach += 12 * beta }
    let low =
      shelf > 0 ? 0 : ((centre - reach - axis.offset) / axis.scale - x[0]) / spacing
    let high = ((centre + 6 * sigma - axis.offset) / axis.scale - x[0]) / spacing
    guard high >= 0, low <= Double(count - 1) else { return }
    let first = max(Int(low.rounded(.up)), 0)
    let last = min(Int(high.rounded(.down)), count - 1)
    guard first <= last else { return }
    let gaussian = norm * (1 - tail)
    let tailNorm = weight * step * tail / (2 * beta)
    let tailShift = sigma * sigma / (2 * beta * beta)
    let root2 = 2.0.squareRoot()
    let plateau = norm * shelf
    for i in first...last {
      let distance = axis.offset + axis.scale * x[i] - centre
      let d = distance / sigma
      // Far below the line only the step's plateau is left.
      if distance < -reach {
        column[i] += plateau
        continue
      }
      var value = gaussian * exp(-0.5 * d * d)
      if tail > 0 {
        let argument = d / root2 + sigma / (root2 * beta)
        if argument < 26 {
          value += tailNorm * exp(distance / beta + tailShift) * erfc(argument)
        }
      }
      if shelf > 0 { value += norm * shelf * 0.5 * erfc(d / root2) }
      column[i] += value
    }
    support[2 * index] = min(support[2 * index], first)
    support[2 * index + 1] = max(support[2 * index + 1], last + 1)
  }

  /// Fills the design matrix (column-major) for `axis`.
  private func buildDesign(_ axis: XRFAxisFit) -> UnsafeMutablePointer<Double> {
    let m = columnCount
    let n = count
    let d = design.reserve(n * m)
    for k in 0..<(n * m) { d[k] = 0 }
    if support.count < 2 * m { support = [Int](repeating: 0, count: 2 * m) }
    for j in 0..<m {
      support[2 * j] = n
      support[2 * j + 1] = 0
    }
    for (j, family) in families.enumerated() {
      let column = d + j * n
      let alpha = max(family.alphaIntensity, 1e-12)
      for line in family.lines {
        let weight = line.relativeIntensity / alpha
        addGaussian(
          column, centre: line.energy, width: axis.fwhm(line.energy), weight: weight, axis: axis,
          index: j)
        if escapes {
          let fraction = XRFLineLibrary.siliconEscapeFraction(line.energy)
          if fraction > 0 {
            let energy = line.energy - XRFPipelineSettings.siliconKAlpha
            addGaussian(
              column, centre: energy, width: axis.fwhm(energy), weight: weight * fraction,
              axis: axis, index: j)
          }
        }
      }
    }
    if let sum = sumColumn {
      let column = d + sum * n
      for line in sumLines {
        addGaussian(
          column, centre: line.energy, width: axis.fwhm(line.energy), weight: line.weight,
          axis: axis, index: sum)
      }
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
    return d
  }

  /// Solves for every column's coefficient at `axis`; false when the system is singular or
  /// has too few points. Fills `solution`, `sigmas`, χ².
  @discardableResult
  func solve(axis: XRFAxisFit) -> Bool {
    guard let target, let weights else { return false }
    let m = columnCount
    let n = count
    guard m > 0, n > m + 2 else { return false }
    let d = buildDesign(axis)
    let nm = normal.reserve(m * m)
    let g = rhs.reserve(m)
    let s = scaling.reserve(m)
    for a in 0..<m {
      let columnA = d + a * n
      var sum = 0.0
      for i in support[2 * a]..<max(support[2 * a + 1], support[2 * a]) {
        sum += weights[i] * columnA[i] * target[i]
      }
      g[a] = sum
      for b in 0...a {
        let columnB = d + b * n
        let low = max(support[2 * a], support[2 * b])
        let high = min(support[2 * a + 1], support[2 * b + 1])
        var product = 0.0
        if low < high {
          for i in low..<high { product += weights[i] * columnA[i] * columnB[i] }
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
    let inv = inverse.reserve(m * m)
    DenseCholesky.invert(factor: f, n: m, into: inv, scratch: inverseScratch.reserve(m * m))
    if solution.count != m {
      solution = [Double](repeating: 0, count: m)
      sigmas = [Double](repeating: 0, count: m)
    }
    for a in 0..<m {
      var sum = 0.0
      for b in 0..<m { sum += inv[a * m + b] * s[b] * g[b] }
      solution[a] = sum * s[a]
    }
    var chi = 0.0
    let r = residuals.reserve(n)
    for i in 0..<n { r[i] = target[i] }
    for a in 0..<m {
      let column = d + a * n
      let value = solution[a]
      for i in support[2 * a]..<max(support[2 * a + 1], support[2 * a]) {
        r[i] -= value * column[i]
      }
    }
    for i in 0..<n {
      let root = weights[i].squareRoot()
      r[i] *= root
      chi += r[i] * r[i]
    }
    chiSquare = chi
    reducedChiSquare = chi / Double(n - m)
    let inflation = max(reducedChiSquare, 1)
    for a in 0..<m {
      let variance = inv[a * m + a] * s[a] * s[a] * inflation
      sigmas[a] = variance >= 0 && variance.isFinite ? variance.squareRoot() : .nan
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
    guard solve(axis: axis) else { return start }
    let n = count
    var chi = chiSquare
    var lambda = 1e-3
    let free = lineTails ? 7 : 4
    let steps = [1e-4, 1e-5, 1e-4, 1e-5, 1e-4, 1e-3, 1e-6]
    let lower = [start.offset - offsetLimit, start.scale * 0.99, 0.02, 0.0019, 0, 0.3, 0]
    let upper = [start.offset + offsetLimit, start.scale * 1.01, 0.3, 0.0029, 0.3, 5, 1e-3]
    func parameters(_ a: XRFAxisFit) -> [Double] {
      let p = [
        a.offset, a.scale, a.fwhmZero, a.fwhmSlope, a.tailFraction, a.tailSlope, a.stepHeight,
      ]
      return Array(p.prefix(free))
    }
    func axisFrom(_ p: [Double]) -> XRFAxisFit {
      var axis = start
      axis.offset = min(max(p[0], lower[0]), upper[0])
      axis.scale = min(max(p[1], lower[1]), upper[1])
      axis.fwhmZero = min(max(p[2], lower[2]), upper[2])
      axis.fwhmSlope = min(max(p[3], lower[3]), upper[3])
      if free == 7 {
        axis.tailFraction = min(max(p[4], lower[4]), upper[4])
        axis.tailSlope = min(max(p[5], lower[5]), upper[5])
        axis.stepHeight = min(max(p[6], lower[6]), upper[6])
      }
      return axis
    }
    iterating: for _ in 0..<iterations {
      let r0 = base.reserve(n)
      let current = residuals.pointer
      for i in 0..<n { r0[i] = current[i] }
      let p = parameters(axis)
      let j = jacobian.reserve(free * n)
      for k in 0..<free {
        var q = p
        q[k] += steps[k]
        guard solve(axis: axisFrom(q)) else { break iterating }
        let shifted = residuals.pointer
        for i in 0..<n { j[k * n + i] = (shifted[i] - r0[i]) / steps[k] }
      }
      var jtj = [Double](repeating: 0, count: free * free)
      var jtr = [Double](repeating: 0, count: free)
      for a in 0..<free {
        for i in 0..<n { jtr[a] -= j[a * n + i] * r0[i] }
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
        var damped = jtj
        for a in 0..<free { damped[a * free + a] *= 1 + lambda }
        var f = [Double](repeating: 0, count: free * free)
        var delta = jtr
        let solved = damped.withUnsafeBufferPointer { m in
          f.withUnsafeMutableBufferPointer { out in
            DenseCholesky.factor(m.baseAddress!, n: free, into: out.baseAddress!)
          }
        }
        guard solved else {
          lambda *= 10
          continue
        }
        f.withUnsafeBufferPointer { out in
          delta.withUnsafeMutableBufferPointer {
            DenseCholesky.solve(factor: out.baseAddress!, n: free, $0.baseAddress!)
          }
        }
        let trial = axisFrom((0..<free).map { p[$0] + delta[$0] })
        if solve(axis: trial), chiSquare < chi {
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
