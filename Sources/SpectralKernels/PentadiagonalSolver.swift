extension Kernels {
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
  public enum PentadiagonalSolver {
    /// Writes the smoothed curve into `z`. `d`, `e`, `f` and `r` are scratch of `n` elements each.
    /// Returns false when a pivot is not positive (λ ≤ 0 with zero weights) or not finite.
    public static func solve(
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
    public static func factor(
      n: Int, lambda: Double, weights w: UnsafePointer<Double>,
      reciprocalPivots q: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>,
      f: UnsafeMutablePointer<Double>
    ) -> Bool {
      factorCore(
        n: n, lambda: lambda, weights: w, reciprocalPivots: q, e: e, f: f, values: nil, forward: nil
      )
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
    public static func substitute(
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
    /// reads the same reversed, so it is the same recurrence). Neither half depends on the other,
    /// so the two run side by side in the two lanes of one vector: row s of the top and row
    /// n − 1 − s of the bottom share step s, the chains of divisions overlap, and each step issues
    /// one instruction where two scalar chains would issue two. Each lane does exactly the scalar
    /// recurrence's operations in the same order. The middle 2×2 system carries both halves'
    /// contributions. For a bottom row, `e` and `f` couple it to the rows *below* it in index.
    ///
    /// `q`, `e`, `f` and `r` hold (top, bottom) pairs by step, n / 2 of them at most, so the
    /// caller's n-element scratch suffices.
    private static func solveFromBothEnds(
      n: Int, lambda: Double, weights w: UnsafePointer<Double>, values y: UnsafePointer<Double>,
      result z: UnsafeMutablePointer<Double>, q qScratch: UnsafeMutablePointer<Double>,
      e eScratch: UnsafeMutablePointer<Double>, f fScratch: UnsafeMutablePointer<Double>,
      r rScratch: UnsafeMutablePointer<Double>
    ) -> Bool {
      let q = Pairs(qScratch)
      let e = Pairs(eScratch)
      let f = Pairs(fScratch)
      let r = Pairs(rScratch)
      let k = n / 2 - 1
      let last = n - 1
      let lambdas = SIMD2(repeating: lambda)
      // Edge rows: a = w + λ, coupling −2λ; then a = w + 5λ, coupling −4λ − λ·e.
      let w0 = SIMD2(w[0], w[last])
      let d0 = w0 + lambdas
      var valid = d0 .> 0
      let q0 = 1 / d0
      let g0 = SIMD2(repeating: -2 * lambda)
      let e0 = g0 * q0
      let f0 = lambdas * q0
      let r0 = w0 * SIMD2(y[0], y[last])
      let w1 = SIMD2(w[1], w[last - 1])
      let d1 = w1 + 5 * lambdas - g0 * g0 * q0
      valid .&= d1 .> 0
      let q1 = 1 / d1
      let g1 = -4 * lambdas - lambdas * e0
      let e1 = g1 * q1
      let f1 = lambdas * q1
      let r1 = w1 * SIMD2(y[1], y[last - 1]) - e0 * r0
      q[0] = q0
      e[0] = e0
      f[0] = f0
      r[0] = r0
      q[1] = q1
      e[1] = e1
      f[1] = f1
      r[1] = r1
      // General rows: step s is top row s and bottom row n − 1 − s, for s = 2 ..< k.
      var g = g1
      var previousQ = q1
      var previousE = e1
      var previousF = f1
      var twoBackF = f0
      var oneBackR = r1
      var twoBackR = r0
      let six = SIMD2(repeating: 6 * lambda)
      let four = SIMD2(repeating: -4 * lambda)
      var s = 2
      while s < k {
        let ws = SIMD2(w[s], w[last - s])
        let d = ws + six - lambdas * twoBackF - g * g * previousQ
        valid .&= d .> 0
        let nextG = four - lambdas * previousE
        let reciprocal = 1 / d
        let nextE = nextG * reciprocal
        let nextF = lambdas * reciprocal
        let nextR = ws * SIMD2(y[s], y[last - s]) - twoBackF * twoBackR - previousE * oneBackR
        q[s] = reciprocal
        e[s] = nextE
        f[s] = nextF
        r[s] = nextR
        twoBackF = previousF
        previousF = nextF
        previousE = nextE
        previousQ = reciprocal
        g = nextG
        twoBackR = oneBackR
        oneBackR = nextR
        s += 1
      }
      // An odd n leaves the bottom one more row, k + 2, at step k (bottom lane only).
      var bottomG = g[1]
      if n % 2 == 1 {
        let j = last - k
        let d = w[j] + six[1] - lambda * twoBackF[1] - g[1] * g[1] * previousQ[1]
        valid .&= SIMDMask(repeating: d > 0)
        bottomG = four[1] - lambda * previousE[1]
        let reciprocal = 1 / d
        q[k] = SIMD2(0, reciprocal)
        e[k] = SIMD2(0, bottomG * reciprocal)
        f[k] = SIMD2(0, lambda * reciprocal)
        r[k] = SIMD2(0, w[j] * y[j] - twoBackF[1] * twoBackR[1] - previousE[1] * oneBackR[1])
      }
      // Middle rows k and k + 1, with the top's rows k − 1, k − 2 (steps k − 1, k − 2) and the
      // bottom's rows k + 2, k + 3 (steps b, b − 1).
      let topG = g[0]
      let b = last - (k + 2)
      let s00 =
        w[k] + six[0] - topG * topG * q[k - 1][0] - lambda * f[k - 2][0] - lambda * f[b][1]
      let s11 =
        w[k + 1] + six[0] - lambda * f[k - 1][0] - bottomG * bottomG * q[b][1] - lambda
        * f[b - 1][1]
      let s01 = four[0] - lambda * e[k - 1][0] - lambda * e[b][1]
      let rhs0 =
        w[k] * y[k] - e[k - 1][0] * r[k - 1][0] - f[k - 2][0] * r[k - 2][0] - f[b][1] * r[b][1]
      let rhs1 =
        w[k + 1] * y[k + 1] - f[k - 1][0] * r[k - 1][0] - e[b][1] * r[b][1] - f[b - 1][1]
        * r[b - 1][1]
      let determinant = s00 * s11 - s01 * s01
      guard valid[0], valid[1], s00 > 0, determinant > 0, determinant.isFinite else {
        return false
      }
      z[k] = (rhs0 * s11 - s01 * rhs1) / determinant
      z[k + 1] = (s00 * rhs1 - s01 * rhs0) / determinant
      // Back substitution outwards from the middle, both halves in the two lanes.
      var next = SIMD2(z[k], z[k + 1])
      var afterNext = SIMD2(z[k + 1], z[k])
      if n % 2 == 1 {
        let value = r[k][1] * q[k][1] - f[k][1] * afterNext[1] - e[k][1] * next[1]
        z[k + 2] = value
        afterNext[1] = next[1]
        next[1] = value
      }
      s = k - 1
      while s >= 0 {
        let value = r[s] * q[s] - f[s] * afterNext - e[s] * next
        z[s] = value[0]
        z[last - s] = value[1]
        afterNext = next
        next = value
        s -= 1
      }
      return true
    }

    /// (top, bottom) pairs of doubles laid over a caller's scratch; unaligned access, so any
    /// double-aligned block will do.
    private struct Pairs {
      let base: UnsafeMutableRawPointer

      init(_ pointer: UnsafeMutablePointer<Double>) { base = UnsafeMutableRawPointer(pointer) }

      subscript(index: Int) -> SIMD2<Double> {
        @inline(__always) get {
          UnsafeRawPointer(base).loadUnaligned(
            fromByteOffset: index &* 16, as: SIMD2<Double>.self)
        }
        @inline(__always) nonmutating set {
          base.storeBytes(of: newValue, toByteOffset: index &* 16, as: SIMD2<Double>.self)
        }
      }
    }
  }
}
