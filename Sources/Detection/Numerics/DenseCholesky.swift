/// Cholesky factorisation, solution and inverse of small dense symmetric positive-definite
/// systems (the normal equations of band fits) in caller-owned row-major buffers.
///
/// The factor's diagonal is stored as reciprocals, so solving needs no division: the band fits
/// solve a 15-parameter system several times per iteration, and the divisions were most of it.
enum DenseCholesky {
  /// Relative size below which a pivot counts as zero.
  static let pivotTolerance = 1e-13

  /// Factors the `n`×`n` `matrix` into the lower triangle of `factor` (diagonal as reciprocals);
  /// false when it is not numerically positive definite.
  ///
  /// Column by column: the entries of one column depend only on earlier columns, not on each
  /// other, so their dot products (two rows at a time) overlap in the processor instead of
  /// forming one chain along each row. Every entry is the same sum in the same order as a
  /// row-by-row factorisation, so the results are identical; this ordering is a third faster at
  /// the fits' 12–15 parameters.
  static func factor(
    _ matrix: UnsafePointer<Double>, n: Int, into factor: UnsafeMutablePointer<Double>
  ) -> Bool {
    for column in 0..<n {
      let columnStart = factor + column &* n
      var sum = matrix[column &* n &+ column]
      for k in 0..<column { sum -= columnStart[k] * columnStart[k] }
      let scale = matrix[column &* n &+ column]
      guard sum.isFinite, scale > 0, sum > pivotTolerance * scale else { return false }
      let inverse = 1 / sum.squareRoot()
      columnStart[column] = inverse
      var row = column + 1
      while row + 1 < n {
        let rowStart = factor + row &* n
        let nextStart = rowStart + n
        var first = matrix[row &* n &+ column]
        var second = matrix[(row &+ 1) &* n &+ column]
        for k in 0..<column {
          let value = columnStart[k]
          first -= rowStart[k] * value
          second -= nextStart[k] * value
        }
        rowStart[column] = first * inverse
        nextStart[column] = second * inverse
        row += 2
      }
      if row < n {
        let rowStart = factor + row &* n
        var last = matrix[row &* n &+ column]
        for k in 0..<column { last -= rowStart[k] * columnStart[k] }
        rowStart[column] = last * inverse
      }
    }
    return true
  }

  /// Solves factor·factorᵀ·x = b in place for one right-hand side of `n` elements.
  static func solve(factor: UnsafePointer<Double>, n: Int, _ vector: UnsafeMutablePointer<Double>) {
    forward(factor: factor, n: n, vector, from: 0)
    backward(factor: factor, n: n, vector, downTo: 0)
  }

  /// Writes the inverse of factor·factorᵀ into `inverse` (`n`×`n`), using `scratch` (`n`×`n`).
  ///
  /// (L·Lᵀ)⁻¹ = L⁻ᵀ·L⁻¹: the triangular inverse W = L⁻¹ is kept transposed in `scratch` (row a
  /// holds column a of W, from element a on), so both steps are dot products of contiguous
  /// rows (n³/6 multiply–adds each), with no unit vectors to set up and no strided reads.
  static func invert(
    factor: UnsafePointer<Double>, n: Int, into inverse: UnsafeMutablePointer<Double>,
    scratch: UnsafeMutablePointer<Double>
  ) {
    for column in 0..<n {
      let w = scratch + column &* n
      w[column] = factor[column &* n &+ column]
      var row = column + 1
      while row < n {
        let rowStart = factor + row &* n
        var sum = 0.0
        for k in column..<row { sum += rowStart[k] * w[k] }
        w[row] = -sum * rowStart[row]
        row += 1
      }
    }
    for a in 0..<n {
      let wa = scratch + a &* n
      for b in 0...a {
        let wb = scratch + b &* n
        var sum = 0.0
        for k in a..<n { sum += wa[k] * wb[k] }
        inverse[a &* n &+ b] = sum
        inverse[b &* n &+ a] = sum
      }
    }
  }

  /// L·x = b for rows `start..<n`, entries above `start` being zero.
  @inline(__always)
  private static func forward(
    factor: UnsafePointer<Double>, n: Int, _ vector: UnsafeMutablePointer<Double>, from start: Int
  ) {
    for row in start..<n {
      let rowStart = factor + row &* n
      var sum = vector[row]
      for k in start..<row { sum -= rowStart[k] * vector[k] }
      vector[row] = sum * rowStart[row]
    }
  }

  /// Lᵀ·x = y for rows n − 1 down to `end`.
  @inline(__always)
  private static func backward(
    factor: UnsafePointer<Double>, n: Int, _ vector: UnsafeMutablePointer<Double>, downTo end: Int
  ) {
    var row = n - 1
    while row >= end {
      var sum = vector[row]
      var k = row + 1
      while k < n {
        sum -= factor[k &* n &+ row] * vector[k]
        k += 1
      }
      vector[row] = sum * factor[row &* n &+ row]
      row -= 1
    }
  }
}
