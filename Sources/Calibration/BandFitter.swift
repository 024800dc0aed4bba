import Foundation

/// A band found by `BandFitter`: centre, full width at half maximum and height above baseline.
public struct FittedBand: Sendable, Equatable {
  /// Centre, in the unit of the x values fitted.
  public var centre: Double
  /// Full width at half maximum, same unit.
  public var width: Double
  /// Peak height above the local baseline.
  public var height: Double
  /// The pseudo-Voigt's Lorentzian fraction η (0 Gaussian … 1 Lorentzian).
  public var lorentzianFraction = 0.5

  /// A band of the given centre, FWHM, height and Lorentzian fraction.
  public init(centre: Double, width: Double, height: Double, lorentzianFraction: Double = 0.5) {
    self.centre = centre
    self.width = width
    self.height = height
    self.lorentzianFraction = lorentzianFraction
  }

  /// The band's integrated area above the baseline: height × FWHM × (η·π/2 + (1−η)·√(π/ln 16)).
  public var area: Double {
    let eta = min(max(lorentzianFraction, 0), 1)
    return height * width * (eta * Double.pi / 2 + (1 - eta) * (Double.pi / log(16)).squareRoot())
  }
}

/// Fits a sum of pseudo-Voigt bands on a straight baseline to a window of a spectrum
/// (Levenberg–Marquardt, bounded centres), for sub-pixel band positions.
///
/// Neighbouring bands in one window are fitted together, so a weak band next to a strong one
/// (polystyrene 1583 beside 1602 cm⁻¹) is not pulled towards it. The bands share one
/// Lorentzian fraction; widths stay within 0.3–60 units.
public enum BandFitter {
  /// A starting point for one band and the interval its centre must stay in.
  public struct Start: Sendable {
    /// First guess of centre, width and height.
    public var band: FittedBand
    /// The centre is kept within this interval.
    public var centreBounds: ClosedRange<Double>

    /// A start at `band` whose centre must stay within `centreBounds`.
    public init(band: FittedBand, centreBounds: ClosedRange<Double>) {
      self.band = band
      self.centreBounds = centreBounds
    }
  }

  /// The fitted bands, in the order of `starts`; `nil` when the fit cannot start (fewer points
  /// than parameters) or does not converge to finite values.
  public static func fit(x: [Double], y: [Double], starts: [Start]) -> [FittedBand]? {
    let k = starts.count
    let parameterCount = 3 * k + 3
    guard k > 0, x.count == y.count, x.count > parameterCount else { return nil }
    let origin = (x[0] + x[x.count - 1]) / 2
    var p = [Double](repeating: 0, count: parameterCount)
    for (index, start) in starts.enumerated() {
      p[3 * index] = start.band.height
      p[3 * index + 1] = start.band.centre
      p[3 * index + 2] = start.band.width
    }
    let span = x[x.count - 1] - x[0]
    p[3 * k] = (y[0] + y[y.count - 1]) / 2
    p[3 * k + 1] = span != 0 ? (y[y.count - 1] - y[0]) / span : 0
    p[3 * k + 2] = 0.5
    clamp(&p, starts: starts)

    var residual = [Double](repeating: 0, count: x.count)
    var cost = residuals(p, x: x, y: y, k: k, origin: origin, into: &residual)
    var jacobian = [Double](repeating: 0, count: x.count * parameterCount)
    var trialResidual = residual
    var damping = 1e-3
    for _ in 0..<200 {
      fillJacobian(p, x: x, k: k, origin: origin, into: &jacobian)
      var normal = [Double](repeating: 0, count: parameterCount * parameterCount)
      var gradient = [Double](repeating: 0, count: parameterCount)
      for i in 0..<x.count {
        let row = i * parameterCount
        for a in 0..<parameterCount {
          let ja = jacobian[row + a]
          gradient[a] += ja * residual[i]
          for b in a..<parameterCount { normal[a * parameterCount + b] += ja * jacobian[row + b] }
        }
      }
      for a in 0..<parameterCount {
        for b in 0..<a { normal[a * parameterCount + b] = normal[b * parameterCount + a] }
      }
      var improved = false
      var converged = false
      for _ in 0..<12 {
        var damped = normal
        for a in 0..<parameterCount {
          damped[a * parameterCount + a] += damping * (normal[a * parameterCount + a] + 1e-12)
        }
        guard let delta = LinearSolve.solve(damped, gradient, size: parameterCount) else {
          damping *= 10
          continue
        }
        var trial = p
        for q in 0..<parameterCount { trial[q] += delta[q] }
        clamp(&trial, starts: starts)
        let trialCost = residuals(trial, x: x, y: y, k: k, origin: origin, into: &trialResidual)
        if trialCost.isFinite, trialCost < cost {
          converged = cost - trialCost <= 1e-10 * cost
          p = trial
          swap(&residual, &trialResidual)
          cost = trialCost
          damping = max(damping / 3, 1e-10)
          improved = true
          break
        }
        damping *= 4
      }
      if !improved || converged { break }
    }
    guard p.allSatisfy(\.isFinite) else { return nil }
    return (0..<k).map {
      FittedBand(
        centre: p[3 * $0 + 1], width: p[3 * $0 + 2], height: p[3 * $0],
        lorentzianFraction: p[3 * k + 2])
    }
  }

  /// The normalised pseudo-Voigt profile (1 at its centre).
  @inline(__always)
  static func profile(_ x: Double, centre: Double, width: Double, eta: Double) -> Double {
    let t = (x - centre) / width
    let t2 = t * t
    return eta / (1 + 4 * t2) + (1 - eta) * exp(-4 * M_LN2 * t2)
  }

  /// Analytic derivatives of the model at every x with respect to every parameter.
  private static func fillJacobian(
    _ p: [Double], x: [Double], k: Int, origin: Double, into jacobian: inout [Double]
  ) {
    let count = 3 * k + 3
    let eta = p[3 * k + 2]
    let gaussian = 4 * M_LN2
    for i in 0..<x.count {
      let row = i * count
      var etaDerivative = 0.0
      for band in 0..<k {
        let amplitude = p[3 * band]
        let width = p[3 * band + 2]
        let t = (x[i] - p[3 * band + 1]) / width
        let lorentz = 1 / (1 + 4 * t * t)
        let gauss = exp(-gaussian * t * t)
        let dProfile = eta * (-8 * t * lorentz * lorentz) + (1 - eta) * (-2 * gaussian * t * gauss)
        jacobian[row + 3 * band] = eta * lorentz + (1 - eta) * gauss
        jacobian[row + 3 * band + 1] = -amplitude * dProfile / width
        jacobian[row + 3 * band + 2] = -amplitude * dProfile * t / width
        etaDerivative += amplitude * (lorentz - gauss)
      }
      jacobian[row + 3 * k] = 1
      jacobian[row + 3 * k + 1] = x[i] - origin
      jacobian[row + 3 * k + 2] = etaDerivative
    }
  }

  @inline(__always)
  private static func model(_ p: [Double], x: Double, k: Int, origin: Double) -> Double {
    var value = p[3 * k] + p[3 * k + 1] * (x - origin)
    let eta = p[3 * k + 2]
    for band in 0..<k {
      value += p[3 * band] * profile(x, centre: p[3 * band + 1], width: p[3 * band + 2], eta: eta)
    }
    return value
  }

  private static func residuals(
    _ p: [Double], x: [Double], y: [Double], k: Int, origin: Double, into residual: inout [Double]
  ) -> Double {
    var sum = 0.0
    for i in 0..<x.count {
      let r = y[i] - model(p, x: x[i], k: k, origin: origin)
      residual[i] = r
      sum += r * r
    }
    return sum
  }

  private static func clamp(_ p: inout [Double], starts: [Start]) {
    for (index, start) in starts.enumerated() {
      p[3 * index + 1] = min(
        max(p[3 * index + 1], start.centreBounds.lowerBound), start.centreBounds.upperBound)
      p[3 * index + 2] = min(max(p[3 * index + 2], 0.3), 60)
    }
    let eta = 3 * starts.count + 2
    p[eta] = min(max(p[eta], 0), 1)
  }
}

/// Small dense linear systems (normal equations) by Gaussian elimination with partial pivoting.
enum LinearSolve {
  /// Solves `matrix · x = vector` for a row-major `size`×`size` matrix; `nil` when singular.
  static func solve(_ matrix: [Double], _ vector: [Double], size n: Int) -> [Double]? {
    var a = matrix
    var b = vector
    for column in 0..<n {
      var pivot = column
      for row in (column + 1)..<max(n, column + 1)
      where abs(a[row * n + column]) > abs(a[pivot * n + column]) {
        pivot = row
      }
      guard abs(a[pivot * n + column]) > 1e-300 else { return nil }
      if pivot != column {
        for c in 0..<n { a.swapAt(column * n + c, pivot * n + c) }
        b.swapAt(column, pivot)
      }
      for row in (column + 1)..<max(n, column + 1) {
        let factor = a[row * n + column] / a[column * n + column]
        if factor == 0 { continue }
        for c in column..<n { a[row * n + c] -= factor * a[column * n + c] }
        b[row] -= factor * b[column]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = b[row]
      for c in (row + 1)..<max(n, row + 1) { sum -= a[row * n + c] * x[c] }
      x[row] = sum / a[row * n + row]
    }
    return x.allSatisfy(\.isFinite) ? x : nil
  }

  /// Least-squares polynomial coefficients (ascending powers) of degree `degree` through (t, v).
  static func polynomialFit(t: [Double], v: [Double], degree: Int) -> [Double]? {
    let m = degree + 1
    var normal = [Double](repeating: 0, count: m * m)
    var right = [Double](repeating: 0, count: m)
    for (ti, vi) in zip(t, v) {
      var powers = [Double](repeating: 1, count: m)
      for q in 1..<max(m, 1) { powers[q] = powers[q - 1] * ti }
      for a in 0..<m {
        right[a] += powers[a] * vi
        for b in 0..<m { normal[a * m + b] += powers[a] * powers[b] }
      }
    }
    return solve(normal, right, size: m)
  }

  /// The polynomial with ascending `coefficients` at `t`.
  @inline(__always)
  static func evaluate(_ coefficients: [Double], at t: Double) -> Double {
    var value = 0.0
    for c in coefficients.reversed() { value = value * t + c }
    return value
  }
}
