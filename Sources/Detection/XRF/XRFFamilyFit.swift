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

  /// Adds a unit-area Gaussian at `centre` (keV, true axis) with `width` FWHM times `weight`
  /// into `column`, over the points where it is not negligible; widens the column's support.
  private func addGaussian(
    _ column: UnsafeMutablePointer<Double>, centre: Double, width: Double, weight: Double,
    axis: XRFAxisFit, index: Int
  ) {
    guard let x, count > 1, width > 0, weight != 0 else { return }
    let sigma = width / (8 * log(2.0)).squareRoot()
    let step = axis.scale * spacing
    let norm = weight * step / (sigma * (2 * Double.pi).squareRoot())
    // Points whose true energy lies within ±6σ of the centre.
    let low = ((centre - 6 * sigma - axis.offset) / axis.scale - x[0]) / spacing
    let high = ((centre + 6 * sigma - axis.offset) / axis.scale - x[0]) / spacing
    guard high >= 0, low <= Double(count - 1) else { return }
    let first = max(Int(low.rounded(.up)), 0)
    let last = min(Int(high.rounded(.down)), count - 1)
    guard first <= last else { return }
    for i in first...last {
      let d = (axis.offset + axis.scale * x[i] - centre) / sigma
      column[i] += norm * exp(-0.5 * d * d)
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
  /// 0.09–0.14 of silicon). Returns
  /// the axis with the lowest χ² found (and leaves the fit solved there).
  func refine(from start: XRFAxisFit, offsetLimit: Double, iterations: Int = 12) -> XRFAxisFit {
    var axis = start
    guard solve(axis: axis) else { return start }
    let n = count
    var chi = chiSquare
    var lambda = 1e-3
    let steps = [1e-4, 1e-5, 1e-4, 1e-5]
    let lower = [start.offset - offsetLimit, start.scale * 0.99, 0.02, 0.0019]
    let upper = [start.offset + offsetLimit, start.scale * 1.01, 0.3, 0.0029]
    func parameters(_ a: XRFAxisFit) -> [Double] { [a.offset, a.scale, a.fwhmZero, a.fwhmSlope] }
    func axisFrom(_ p: [Double]) -> XRFAxisFit {
      XRFAxisFit(
        offset: min(max(p[0], lower[0]), upper[0]), scale: min(max(p[1], lower[1]), upper[1]),
        fwhmZero: min(max(p[2], lower[2]), upper[2]),
        fwhmSlope: min(max(p[3], lower[3]), upper[3]))
    }
    iterating: for _ in 0..<iterations {
      let r0 = base.reserve(n)
      let current = residuals.pointer
      for i in 0..<n { r0[i] = current[i] }
      let p = parameters(axis)
      let j = jacobian.reserve(4 * n)
      for k in 0..<4 {
        var q = p
        q[k] += steps[k]
        guard solve(axis: axisFrom(q)) else { break iterating }
        let shifted = residuals.pointer
        for i in 0..<n { j[k * n + i] = (shifted[i] - r0[i]) / steps[k] }
      }
      var jtj = [Double](repeating: 0, count: 16)
      var jtr = [Double](repeating: 0, count: 4)
      for a in 0..<4 {
        for i in 0..<n { jtr[a] -= j[a * n + i] * r0[i] }
        for b in 0...a {
          var sum = 0.0
          for i in 0..<n { sum += j[a * n + i] * j[b * n + i] }
          jtj[a * 4 + b] = sum
          jtj[b * 4 + a] = sum
        }
      }
      var improved = false
      for _ in 0..<6 {
        var damped = jtj
        for a in 0..<4 { damped[a * 4 + a] *= 1 + lambda }
        var f = [Double](repeating: 0, count: 16)
        var delta = jtr
        let solved = damped.withUnsafeBufferPointer { m in
          f.withUnsafeMutableBufferPointer { out in
            DenseCholesky.factor(m.baseAddress!, n: 4, into: out.baseAddress!)
          }
        }
        guard solved else {
          lambda *= 10
          continue
        }
        f.withUnsafeBufferPointer { out in
          delta.withUnsafeMutableBufferPointer {
            DenseCholesky.solve(factor: out.baseAddress!, n: 4, $0.baseAddress!)
          }
        }
        let trial = axisFrom((0..<4).map { p[$0] + delta[$0] })
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
