#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Estimates a smooth background under a spectrum by AsLS, arPLS or iterative modified polyfit,
/// in reused buffers.
///
/// The Whittaker smoothness λ is given for a 1 cm⁻¹ pixel spacing and rescaled as
/// λ_pixel = λ·(1 cm⁻¹ / spacing)⁴: the penalty Σ(Δ²z)² shrinks as spacing³ and the data term grows
/// as 1/spacing, so this keeps the baseline's stiffness in cm⁻¹ the same at 1024, 2048 or 4096
/// pixels (the pitfall of pixel-based parameters in `reference/science.md`).
final class BaselineEstimator {
  /// The build of the solver's loops this estimator runs (results are the same with either).
  private let kernels: DetectorKernels
  private let weights = ScratchBuffer()
  private let d = ScratchBuffer()
  private let e = ScratchBuffer()
  private let f = ScratchBuffer()
  private let r = ScratchBuffer()
  private let work = ScratchBuffer()
  private let normal = ScratchBuffer(capacity: 256)
  private let factor = ScratchBuffer(capacity: 256)
  private let coefficients = ScratchBuffer(capacity: 16)

  /// An estimator running the given build of the solver's loops.
  init(kernels: DetectorKernels = .active) { self.kernels = kernels }

  /// Iterations the last call used.
  private(set) var iterations = 0

  /// Writes the baseline of `values[0..<count]` into `baseline`; returns false if a solve failed
  /// (the baseline is then the straight line between the end points).
  func estimate(
    values: UnsafePointer<Double>, axis: UnsafePointer<Double>, count n: Int,
    settings: RamanPipelineSettings.Baseline, into baseline: UnsafeMutablePointer<Double>
  ) -> Bool {
    weights.reserve(n)
    d.reserve(n)
    e.reserve(n)
    f.reserve(n)
    r.reserve(n)
    work.reserve(n)
    guard n >= 8 else {
      linear(values, count: n, into: baseline)
      return n > 0
    }
    let spacing = abs(axis[n - 1] - axis[0]) / Double(n - 1)
    let ok: Bool
    switch settings.method {
    case .asls, .arpls:
      let factor = settings.solveSpacing.map { Int(($0 / max(spacing, 1e-300)).rounded(.down)) }
      if let factor, factor >= 2, n / factor >= 8 {
        ok = coarseWhittaker(
          values: values, axis: axis, count: n, factor: factor, settings: settings,
          into: baseline)
      } else {
        let scaleFactor = spacing > 0 ? 1 / (spacing * spacing * spacing * spacing) : 1
        ok = whittaker(
          values: values, count: n, lambda: settings.lambda * scaleFactor, settings: settings,
          into: baseline)
      }
    case .modpoly:
      ok = modifiedPolyfit(values: values, axis: axis, count: n, settings: settings, into: baseline)
    }
    if !ok { linear(values, count: n, into: baseline) }
    return ok
  }

  /// The Whittaker baseline solved on runs of `factor` points averaged into one (the last run
  /// may be shorter) and interpolated back onto every point, extrapolated linearly at the ends.
  private func coarseWhittaker(
    values y: UnsafePointer<Double>, axis x: UnsafePointer<Double>, count n: Int, factor k: Int,
    settings: RamanPipelineSettings.Baseline, into z: UnsafeMutablePointer<Double>
  ) -> Bool {
    let m = (n + k - 1) / k
    let cx = coarseAxis.reserve(m)
    let cy = coarseValues.reserve(m)
    let cz = coarseBaseline.reserve(m)
    RunMeans.average(x, count: n, run: k, into: cx, keepsShortRun: true)
    RunMeans.average(y, count: n, run: k, into: cy, keepsShortRun: true)
    let spacing = abs(cx[m - 1] - cx[0]) / Double(m - 1)
    let scaleFactor = spacing > 0 ? 1 / (spacing * spacing * spacing * spacing) : 1
    guard
      whittaker(
        values: cy, count: m, lambda: settings.lambda * scaleFactor, settings: settings, into: cz)
    else { return false }
    // Between coarse points a cubic (Catmull–Rom; a straight line would leave kinks every few
    // cm⁻¹ under a strongly curved background, which the fits could take for structure), in
    // the first and last interval and beyond them a straight line. One set of coefficients per
    // interval in t = (x − cx[j]) / (cx[j+1] − cx[j]).
    let intervals = m - 1
    let c3 = cubic.reserve(4 * intervals)
    for j in 0..<intervals {
      let p1 = cz[j]
      let p2 = cz[j + 1]
      let coefficients = c3 + 4 * j
      coefficients[3] = p1
      if j >= 1, j + 2 < m {
        let p0 = cz[j - 1]
        let p3 = cz[j + 2]
        coefficients[0] = -0.5 * p0 + 1.5 * p1 - 1.5 * p2 + 0.5 * p3
        coefficients[1] = p0 - 2.5 * p1 + 2 * p2 - 0.5 * p3
        coefficients[2] = 0.5 * (p2 - p0)
      } else {
        coefficients[0] = 0
        coefficients[1] = 0
        coefficients[2] = p2 - p1
      }
    }
    let direction = cx[1] - cx[0]
    var j = 0
    var inverse = 1 / (cx[1] - cx[0])
    for i in 0..<n {
      if j + 1 < intervals, (x[i] - cx[j + 1]) * direction > 0 {
        while j + 1 < intervals, (x[i] - cx[j + 1]) * direction > 0 { j += 1 }
        inverse = 1 / (cx[j + 1] - cx[j])
      }
      let t = (x[i] - cx[j]) * inverse
      let coefficients = c3 + 4 * j
      z[i] = ((coefficients[0] * t + coefficients[1]) * t + coefficients[2]) * t + coefficients[3]
    }
    return true
  }

  private let cubic = ScratchBuffer()
  private let coarseAxis = ScratchBuffer()
  private let coarseValues = ScratchBuffer()
  private let coarseBaseline = ScratchBuffer()

  private func linear(
    _ values: UnsafePointer<Double>, count n: Int, into z: UnsafeMutablePointer<Double>
  ) {
    guard n > 0 else { return }
    let a = values[0]
    let b = values[n - 1]
    for i in 0..<n { z[i] = n > 1 ? a + (b - a) * Double(i) / Double(n - 1) : a }
  }

  private func whittaker(
    values y: UnsafePointer<Double>, count n: Int, lambda: Double,
    settings: RamanPipelineSettings.Baseline, into z: UnsafeMutablePointer<Double>
  ) -> Bool {
    let w = weights.pointer
    for i in 0..<n { w[i] = 1 }
    let p = min(max(settings.asymmetry, 1e-6), 0.5)
    var previousAbove = 0
    iterations = 0
    for iteration in 1...max(settings.maximumIterations, 1) {
      iterations = iteration
      if iteration == 1 {
        // All weights are 1: the matrix depends only on n and λ, so its factorisation is kept.
        guard unitWeightFactorisation(count: n, lambda: lambda, weights: w) else { return false }
        kernels.substitutePentadiagonal(
          n: n, weights: w, values: y, reciprocalPivots: unitQ.pointer, e: unitE.pointer,
          f: unitF.pointer, scratch: r.pointer, result: z)
      } else {
        guard
          kernels.solvePentadiagonal(
            n: n, lambda: lambda, weights: w, values: y, result: z, d: d.pointer, e: e.pointer,
            f: f.pointer, r: r.pointer)
        else { return false }
      }
      var changed = 0.0
      var total = 0.0
      switch settings.method {
      case .asls:
        // Weights are 1 (first pass) or p / 1 − p, so the change and the total follow from
        // counts: integer sums, which the compiler vectorises (floating sums it may not reorder).
        var above = 0
        var flips = 0
        for i in 0..<n {
          let isAbove = y[i] > z[i]
          let new = isAbove ? p : 1 - p
          above &+= isAbove ? 1 : 0
          flips &+= new != w[i] ? 1 : 0
          w[i] = new
        }
        if iteration == 1 {
          changed = Double(above) * (1 - p) + Double(n - above) * p
          total = Double(n)
        } else {
          changed = Double(flips) * (1 - 2 * p)
          total = Double(previousAbove) * p + Double(n - previousAbove) * (1 - p)
        }
        previousAbove = above
      default:
        // arPLS: statistics of the negative residuals set a logistic weight.
        var negativeSum = 0.0
        var negativeSquares = 0.0
        var negatives = 0.0
        for i in 0..<n {
          let residual = y[i] - z[i]
          if residual < 0 {
            negativeSum += residual
            negativeSquares += residual * residual
            negatives += 1
          }
        }
        guard negatives >= 2 else { return true }
        let mean = negativeSum / negatives
        let spread = max((negativeSquares / negatives - mean * mean), 0).squareRoot()
        guard spread > 0 else { return true }
        for i in 0..<n {
          let argument = 2 * (y[i] - z[i] - (2 * spread - mean)) / spread
          let new = 1 / (1 + exp(min(argument, 700)))
          changed += abs(new - w[i])
          total += w[i]
          w[i] = new
        }
      }
      if changed <= settings.tolerance * max(total, 1e-300) { break }
    }
    return true
  }

  /// Factorisation of I + λ·DᵀD (every weight 1) for `unitKey`'s size and λ.
  private let unitQ = ScratchBuffer()
  private let unitE = ScratchBuffer()
  private let unitF = ScratchBuffer()
  private var unitKey: (count: Int, lambda: Double) = (-1, .nan)

  /// Makes `unitQ/E/F` the factorisation for `n` and `lambda` (`weights` are all 1).
  private func unitWeightFactorisation(count n: Int, lambda: Double, weights: UnsafePointer<Double>)
    -> Bool
  {
    if unitKey.count == n, unitKey.lambda == lambda { return true }
    unitKey = (-1, .nan)
    guard
      PentadiagonalSolver.factor(
        n: n, lambda: lambda, weights: weights, reciprocalPivots: unitQ.reserve(n),
        e: unitE.reserve(n), f: unitF.reserve(n))
    else { return false }
    unitKey = (n, lambda)
    return true
  }

  private func modifiedPolyfit(
    values y: UnsafePointer<Double>, axis: UnsafePointer<Double>, count n: Int,
    settings: RamanPipelineSettings.Baseline, into z: UnsafeMutablePointer<Double>
  ) -> Bool {
    let degree = min(max(settings.polynomialOrder, 0), 10)
    let m = degree + 1
    let nm = normal.reserve(m * m)
    let fc = factor.reserve(m * m)
    let c = coefficients.reserve(m)
    let clipped = work.pointer
    let u = d.pointer
    let low = min(axis[0], axis[n - 1])
    let high = max(axis[0], axis[n - 1])
    let mid = (low + high) / 2
    let half = max((high - low) / 2, 1e-12)
    for i in 0..<n {
      clipped[i] = y[i]
      u[i] = (axis[i] - mid) / half
    }
    // The design matrix depends only on the axis: factor it once.
    for k in 0..<(m * m) { nm[k] = 0 }
    for i in 0..<n {
      var pa = 1.0
      for a in 0..<m {
        var pb = 1.0
        for b in 0..<m {
          nm[a * m + b] += pa * pb
          pb *= u[i]
        }
        pa *= u[i]
      }
    }
    guard DenseCholesky.factor(nm, n: m, into: fc) else { return false }
    iterations = 0
    for iteration in 1...max(settings.maximumIterations, 1) {
      iterations = iteration
      for a in 0..<m { c[a] = 0 }
      for i in 0..<n {
        var power = 1.0
        for a in 0..<m {
          c[a] += power * clipped[i]
          power *= u[i]
        }
      }
      DenseCholesky.solve(factor: fc, n: m, c)
      var change = 0.0
      var norm = 0.0
      for i in 0..<n {
        var value = 0.0
        var j = m - 1
        while j >= 0 {
          value = value * u[i] + c[j]
          j -= 1
        }
        z[i] = value
        let next = min(clipped[i], value)
        change += (clipped[i] - next) * (clipped[i] - next)
        norm += clipped[i] * clipped[i]
        clipped[i] = next
      }
      if change <= settings.tolerance * settings.tolerance * max(norm, 1e-300) { break }
    }
    return true
  }
}
