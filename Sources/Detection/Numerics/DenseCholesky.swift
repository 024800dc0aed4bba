/// Cholesky factorisation, solution and inverse of small dense symmetric positive-definite
/// systems (the normal equations of band fits) in caller-owned row-major buffers.
enum DenseCholesky {
  /// Relative size below which a pivot counts as zero.
  static let pivotTolerance = 1e-13

  /// Factors the `n`×`n` `matrix` into the lower triangle of `factor`; false when it is not
  /// numerically positive definite.
  static func factor(
    _ matrix: UnsafePointer<Double>, n: Int, into factor: UnsafeMutablePointer<Double>
  ) -> Bool {
    for row in 0..<n {
      for column in 0...row {
        var sum = matrix[row * n + column]
        for k in 0..<column { sum -= factor[row * n + k] * factor[column * n + k] }
        if row == column {
          let scale = matrix[row * n + row]
          guard sum.isFinite, scale > 0, sum > pivotTolerance * scale else { return false }
          factor[row * n + row] = sum.squareRoot()
        } else {
          factor[row * n + column] = sum / factor[column * n + column]
        }
      }
    }
    return true
  }

  /// Solves factor·factorᵀ·x = b in place for one right-hand side of `n` elements.
  static func solve(factor: UnsafePointer<Double>, n: Int, _ vector: UnsafeMutablePointer<Double>) {
    for row in 0..<n {
      var sum = vector[row]
      for k in 0..<row { sum -= factor[row * n + k] * vector[k] }
      vector[row] = sum / factor[row * n + row]
    }
    var row = n - 1
    while row >= 0 {
      var sum = vector[row]
      for k in (row + 1)..<n { sum -= factor[k * n + row] * vector[k] }
      vector[row] = sum / factor[row * n + row]
      row -= 1
    }
  }

  /// Writes the inverse of factor·factorᵀ into `inverse` (`n`×`n`), using `column` as scratch.
  static func invert(
    factor: UnsafePointer<Double>, n: Int, into inverse: UnsafeMutablePointer<Double>,
    column: UnsafeMutablePointer<Double>
  ) {
    for unit in 0..<n {
      for index in 0..<n { column[index] = index == unit ? 1 : 0 }
      solve(factor: factor, n: n, column)
      for index in 0..<n { inverse[index * n + unit] = column[index] }
    }
  }
}
