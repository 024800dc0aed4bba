/// Solves (diag(w) + λ·DᵀD)·z = diag(w)·y for z, where D is the second-difference operator, in
/// O(n) by an LDLᵀ factorisation of the symmetric pentadiagonal matrix.
///
/// This is the linear system of Whittaker smoothing and therefore of asymmetric least squares
/// (Eilers & Boelens 2005) and arPLS (Baek et al. 2015). DᵀD has the diagonals
/// [1, 5, 6, …, 6, 5, 1], [−2, −4, …, −4, −2] and [1, …, 1].
///
/// The factorisation is a serial recurrence, so its speed is the latency of one pixel's chain of
/// dependent operations. It is written to keep that chain short: with L's sub-diagonals e and f
/// and pivots d, fᵢ·dᵢ = λ and eᵢ·dᵢ = gᵢ (the coupling before division), so the pivot update
/// dᵢ = aᵢ − gᵢ₋₁²/dᵢ₋₁ − λ·fᵢ₋₂ needs one multiply after the previous division, and the stored
/// reciprocal pivots make the back substitution division-free. `factor` and `substitute` are
/// separate so a factorisation can be kept and reused for other right-hand sides.
enum PentadiagonalSolver {
  /// Writes the smoothed curve into `z`. `d`, `e`, `f` and `r` are scratch of `n` elements each.
  /// Returns false when a pivot is not positive (λ ≤ 0 with zero weights) or not finite.
  static func solve(
    n: Int, lambda: Double, weights w: UnsafePointer<Double>, values y: UnsafePointer<Double>,
    result z: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
    e: UnsafeMutablePointer<Double>, f: UnsafeMutablePointer<Double>,
    r: UnsafeMutablePointer<Double>
  ) -> Bool {
    guard n >= 4 else {
      for i in 0..<n { z[i] = y[i] }
      return true
    }
    guard
      factorCore(
        n: n, lambda: lambda, weights: w, reciprocalPivots: d, e: e, f: f, values: y, forward: r)
    else { return false }
    backSubstitute(n: n, reciprocalPivots: d, e: e, f: f, forward: r, result: z)
    return true
  }

  /// Factors diag(w) + λ·DᵀD: reciprocal pivots into `q`, the two sub-diagonals of the unit lower
  /// factor into `e` and `f` (n ≥ 4). False when a pivot is not positive or not finite.
  static func factor(
    n: Int, lambda: Double, weights w: UnsafePointer<Double>,
    reciprocalPivots q: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>,
    f: UnsafeMutablePointer<Double>
  ) -> Bool {
    factorCore(
      n: n, lambda: lambda, weights: w, reciprocalPivots: q, e: e, f: f, values: nil, forward: nil)
  }

  /// `factor`, and with `values` also the forward substitution L·r = w·y into `forward`: its
  /// chain of dependent operations runs beside the pivots' divisions at no extra latency.
  @inline(__always)
  private static func factorCore(
    n: Int, lambda: Double, weights w: UnsafePointer<Double>,
    reciprocalPivots q: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>,
    f: UnsafeMutablePointer<Double>, values y: UnsafePointer<Double>?,
    forward r: UnsafeMutablePointer<Double>?
  ) -> Bool {
    // Row 0: a = w + λ, coupling b = −2λ.
    var d = w[0] + lambda
    guard d > 0, d.isFinite else { return false }
    var previousQ = 1 / d
    var previousG = -2 * lambda
    q[0] = previousQ
    e[0] = previousG * previousQ
    f[0] = lambda * previousQ
    var twoBackR = 0.0
    var oneBackR = 0.0
    if let y, let r {
      twoBackR = w[0] * y[0]
      oneBackR = w[1] * y[1] - e[0] * twoBackR
      r[0] = twoBackR
      r[1] = oneBackR
    }
    // Row 1: a = w + 5λ, b = −4λ − λ·e₀.
    d = w[1] + 5 * lambda - previousG * previousG * previousQ
    guard d > 0, d.isFinite else { return false }
    var g = -4 * lambda - lambda * e[0]
    var twoBackF = f[0]
    previousQ = 1 / d
    previousG = g
    q[1] = previousQ
    e[1] = g * previousQ
    f[1] = lambda * previousQ
    var invalid = false
    // Rows 2 … n − 3: a = w + 6λ, b = −4λ.
    let six = 6 * lambda
    let four = -4 * lambda
    for i in 2..<(n - 2) {
      let previousE = e[i - 1]
      let previousF = f[i - 1]
      d = w[i] + six - lambda * twoBackF - previousG * previousG * previousQ
      invalid = invalid || !(d > 0)
      g = four - lambda * previousE
      let reciprocal = 1 / d
      q[i] = reciprocal
      e[i] = g * reciprocal
      f[i] = lambda * reciprocal
      if let y, let r {
        let value = w[i] * y[i] - twoBackF * twoBackR - previousE * oneBackR
        r[i] = value
        twoBackR = oneBackR
        oneBackR = value
      }
      twoBackF = previousF
      previousQ = reciprocal
      previousG = g
    }
    // Row n − 2: a = w + 5λ, b = −2λ; row n − 1: a = w + λ, no coupling.
    d = w[n - 2] + 5 * lambda - lambda * twoBackF - previousG * previousG * previousQ
    invalid = invalid || !(d > 0)
    g = -2 * lambda - lambda * e[n - 3]
    q[n - 2] = 1 / d
    e[n - 2] = g * q[n - 2]
    f[n - 2] = 0
    d = w[n - 1] + lambda - lambda * f[n - 3] - g * g * q[n - 2]
    invalid = invalid || !(d > 0)
    q[n - 1] = 1 / d
    e[n - 1] = 0
    f[n - 1] = 0
    if let y, let r {
      for i in (n - 2)..<n { r[i] = w[i] * y[i] - f[i - 2] * r[i - 2] - e[i - 1] * r[i - 1] }
    }
    return !invalid && q[n - 1].isFinite && q[n - 2].isFinite
  }

  /// Solves with a factorisation from `factor` for right-hand side w·y into `z`; `r` is scratch.
  static func substitute(
    n: Int, weights w: UnsafePointer<Double>, values y: UnsafePointer<Double>,
    reciprocalPivots q: UnsafePointer<Double>, e: UnsafePointer<Double>,
    f: UnsafePointer<Double>, scratch r: UnsafeMutablePointer<Double>,
    result z: UnsafeMutablePointer<Double>
  ) {
    // L·r = w·y.
    var twoBack = w[0] * y[0]
    var oneBack = w[1] * y[1] - e[0] * twoBack
    r[0] = twoBack
    r[1] = oneBack
    for i in 2..<n {
      let value = w[i] * y[i] - f[i - 2] * twoBack - e[i - 1] * oneBack
      r[i] = value
      twoBack = oneBack
      oneBack = value
    }
    backSubstitute(n: n, reciprocalPivots: q, e: e, f: f, forward: r, result: z)
  }

  /// D·Lᵀ·z = r, with r from the forward substitution.
  @inline(__always)
  private static func backSubstitute(
    n: Int, reciprocalPivots q: UnsafePointer<Double>, e: UnsafePointer<Double>,
    f: UnsafePointer<Double>, forward r: UnsafePointer<Double>,
    result z: UnsafeMutablePointer<Double>
  ) {
    var next = r[n - 1] * q[n - 1]
    var afterNext = 0.0
    z[n - 1] = next
    var i = n - 2
    while i >= 0 {
      let value = r[i] * q[i] - f[i] * afterNext - e[i] * next
      z[i] = value
      afterNext = next
      next = value
      i -= 1
    }
  }
}
