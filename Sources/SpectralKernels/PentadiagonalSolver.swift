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
    if n >= 8 {
      return solveFromBothEnds(
        n: n, lambda: lambda, weights: w, values: y, result: z, q: d, e: e, f: f, r: r)
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

  /// The same solution by eliminating from both ends at once and meeting at rows k, k + 1.
  ///
  /// Top rows 0 ..< k are factored downwards and bottom rows k + 2 ..< n upwards (the matrix
  /// reads the same reversed, so it is the same recurrence); neither half depends on the other,
  /// so the processor runs the two chains of divisions side by side, and likewise the two back
  /// substitutions. The middle 2×2 system carries both halves' contributions. For a bottom row,
  /// `e` and `f` couple it to the rows *below* it in index (i − 1, i − 2).
  private static func solveFromBothEnds(
    n: Int, lambda: Double, weights w: UnsafePointer<Double>, values y: UnsafePointer<Double>,
    result z: UnsafeMutablePointer<Double>, q: UnsafeMutablePointer<Double>,
    e: UnsafeMutablePointer<Double>, f: UnsafeMutablePointer<Double>,
    r: UnsafeMutablePointer<Double>
  ) -> Bool {
    let k = n / 2 - 1
    var invalid = false
    // Edge rows: a = w + λ, coupling −2λ; then a = w + 5λ, coupling −4λ − λ·e.
    func edge(_ first: Int, _ second: Int) -> (g: Double, twoBackF: Double) {
      let d0 = w[first] + lambda
      invalid = invalid || !(d0 > 0)
      let q0 = 1 / d0
      let g0 = -2 * lambda
      q[first] = q0
      e[first] = g0 * q0
      f[first] = lambda * q0
      r[first] = w[first] * y[first]
      let d1 = w[second] + 5 * lambda - g0 * g0 * q0
      invalid = invalid || !(d1 > 0)
      let q1 = 1 / d1
      let g1 = -4 * lambda - lambda * e[first]
      q[second] = q1
      e[second] = g1 * q1
      f[second] = lambda * q1
      r[second] = w[second] * y[second] - e[first] * r[first]
      return (g1, f[first])
    }
    let top = edge(0, 1)
    let bottom = edge(n - 1, n - 2)
    var topG = top.g
    var topTwoBackF = top.twoBackF
    var bottomG = bottom.g
    var bottomTwoBackF = bottom.twoBackF
    let six = 6 * lambda
    let four = -4 * lambda
    // General rows: top i = 2 ..< k, bottom j = n − 3 down to k + 2 (one more when n is odd).
    let topRows = k - 2
    let bottomRows = n - k - 4
    var step = 0
    while step < bottomRows {
      if step < topRows {
        let i = step + 2
        let previousE = e[i - 1]
        let previousF = f[i - 1]
        let d = w[i] + six - lambda * topTwoBackF - topG * topG * q[i - 1]
        invalid = invalid || !(d > 0)
        let g = four - lambda * previousE
        let reciprocal = 1 / d
        q[i] = reciprocal
        e[i] = g * reciprocal
        f[i] = lambda * reciprocal
        r[i] = w[i] * y[i] - topTwoBackF * r[i - 2] - previousE * r[i - 1]
        topTwoBackF = previousF
        topG = g
      }
      let j = n - 3 - step
      let previousE = e[j + 1]
      let previousF = f[j + 1]
      let d = w[j] + six - lambda * bottomTwoBackF - bottomG * bottomG * q[j + 1]
      invalid = invalid || !(d > 0)
      let g = four - lambda * previousE
      let reciprocal = 1 / d
      q[j] = reciprocal
      e[j] = g * reciprocal
      f[j] = lambda * reciprocal
      r[j] = w[j] * y[j] - bottomTwoBackF * r[j + 2] - previousE * r[j + 1]
      bottomTwoBackF = previousF
      bottomG = g
      step += 1
    }
    // Middle rows k and k + 1, with the top's rows k − 1, k − 2 and the bottom's k + 2, k + 3.
    let up = k + 2
    let s00 = w[k] + six - topG * topG * q[k - 1] - lambda * f[k - 2] - lambda * f[up]
    let s11 =
      w[k + 1] + six - lambda * f[k - 1] - bottomG * bottomG * q[up] - lambda * f[up + 1]
    let s01 = four - lambda * e[k - 1] - lambda * e[up]
    let rhs0 = w[k] * y[k] - e[k - 1] * r[k - 1] - f[k - 2] * r[k - 2] - f[up] * r[up]
    let rhs1 =
      w[k + 1] * y[k + 1] - f[k - 1] * r[k - 1] - e[up] * r[up] - f[up + 1] * r[up + 1]
    let determinant = s00 * s11 - s01 * s01
    guard !invalid, s00 > 0, determinant > 0, determinant.isFinite else { return false }
    z[k] = (rhs0 * s11 - s01 * rhs1) / determinant
    z[k + 1] = (s00 * rhs1 - s01 * rhs0) / determinant
    // Back substitution outwards from the middle, both halves together.
    var topNext = z[k]
    var topAfterNext = z[k + 1]
    var bottomNext = z[k + 1]
    var bottomAfterNext = z[k]
    var i = k - 1
    var j = up
    while i >= 0 || j < n {
      if i >= 0 {
        let value = r[i] * q[i] - f[i] * topAfterNext - e[i] * topNext
        z[i] = value
        topAfterNext = topNext
        topNext = value
        i -= 1
      }
      if j < n {
        let value = r[j] * q[j] - f[j] * bottomAfterNext - e[j] * bottomNext
        z[j] = value
        bottomAfterNext = bottomNext
        bottomNext = value
        j += 1
      }
    }
    return true
  }
}
