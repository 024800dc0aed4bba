/// Solves (diag(w) + λ·DᵀD)·z = diag(w)·y for z, where D is the second-difference operator, in
/// O(n) by an LDLᵀ factorisation of the symmetric pentadiagonal matrix.
///
/// This is the linear system of Whittaker smoothing and therefore of asymmetric least squares
/// (Eilers & Boelens 2005) and arPLS (Baek et al. 2015). DᵀD has the diagonals
/// [1, 5, 6, …, 6, 5, 1], [−2, −4, …, −4, −2] and [1, …, 1]; the factorisation and both
/// substitutions are fused into one forward and one backward sweep. Scratch buffers are caller-owned.
enum PentadiagonalSolver {
  /// Writes the smoothed curve into `z`. `d`, `e`, `f` and `r` are scratch of `n` elements each.
  /// Returns false when a pivot is not positive (λ ≤ 0 with zero weights) or not finite.
  static func solve(
    n: Int, lambda: Double, weights w: UnsafePointer<Double>, values y: UnsafePointer<Double>,
    result z: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
    e: UnsafeMutablePointer<Double>, f: UnsafeMutablePointer<Double>,
    r: UnsafeMutablePointer<Double>
  ) -> Bool {
    guard n >= 3 else {
      for i in 0..<n { z[i] = y[i] }
      return true
    }
    @inline(__always) func mainDiagonal(_ i: Int) -> Double {
      if i == 0 || i == n - 1 { return 1 }
      if i == 1 || i == n - 2 { return 5 }
      return 6
    }
    @inline(__always) func firstOff(_ i: Int) -> Double { (i == 0 || i == n - 2) ? -2 : -4 }
    // Forward sweep: factor A = L·D·Lᵀ (L unit lower with sub-diagonals e, f) and solve L·r = w·y.
    for i in 0..<n {
      var pivot = w[i] + lambda * mainDiagonal(i)
      var rhs = w[i] * y[i]
      var coupling = i + 1 < n ? lambda * firstOff(i) : 0
      if i >= 1 {
        pivot -= e[i - 1] * e[i - 1] * d[i - 1]
        rhs -= e[i - 1] * r[i - 1]
        if i + 1 < n { coupling -= e[i - 1] * f[i - 1] * d[i - 1] }
      }
      if i >= 2 {
        pivot -= f[i - 2] * f[i - 2] * d[i - 2]
        rhs -= f[i - 2] * r[i - 2]
      }
      guard pivot > 0, pivot.isFinite else { return false }
      d[i] = pivot
      r[i] = rhs
      let inverse = 1 / pivot
      e[i] = coupling * inverse
      f[i] = i + 2 < n ? lambda * inverse : 0
    }
    // Backward sweep: D·Lᵀ·z = r.
    z[n - 1] = r[n - 1] / d[n - 1]
    z[n - 2] = r[n - 2] / d[n - 2] - e[n - 2] * z[n - 1]
    var i = n - 3
    while i >= 0 {
      z[i] = r[i] / d[i] - e[i] * z[i + 1] - f[i] * z[i + 2]
      i -= 1
    }
    return true
  }
}
