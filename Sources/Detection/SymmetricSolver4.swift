/// Cholesky factorisation, solution and inverse of a 4×4 symmetric positive-definite system held
/// in caller-owned row-major buffers, so a detector can solve its normal equations without
/// allocating.
struct SymmetricSolver4 {
  /// Relative size below which a pivot counts as zero (the system is degenerate).
  static let pivotTolerance = 1e-12

  /// Factors `matrix` (16 elements, row-major) into the lower-triangular `factor` with
  /// matrix = factor·factorᵀ. Returns false when the matrix is not numerically positive definite.
  static func factor(_ matrix: [Double], into factor: inout [Double]) -> Bool {
    for index in 0..<16 { factor[index] = 0 }
    for row in 0..<4 {
      for column in 0...row {
        var sum = matrix[row * 4 + column]
        for k in 0..<column { sum -= factor[row * 4 + k] * factor[column * 4 + k] }
        if row == column {
          let scale = matrix[row * 4 + row]
          guard sum.isFinite, scale > 0, sum > pivotTolerance * scale else { return false }
          factor[row * 4 + row] = sum.squareRoot()
        } else {
          factor[row * 4 + column] = sum / factor[column * 4 + column]
        }
      }
    }
    return true
  }

  /// Solves factor·factorᵀ·x = b for one right-hand side `b` (4 elements) in place.
  static func solve(factor: [Double], _ vector: inout [Double]) {
    for row in 0..<4 {
      var sum = vector[row]
      for k in 0..<row { sum -= factor[row * 4 + k] * vector[k] }
      vector[row] = sum / factor[row * 4 + row]
    }
    for row in stride(from: 3, through: 0, by: -1) {
      var sum = vector[row]
      for k in (row + 1)..<4 { sum -= factor[k * 4 + row] * vector[k] }
      vector[row] = sum / factor[row * 4 + row]
    }
  }

  /// Writes the inverse of factor·factorᵀ into `inverse` (16 elements), using `column` (4
  /// elements) as scratch.
  static func invert(factor: [Double], into inverse: inout [Double], column: inout [Double]) {
    for unit in 0..<4 {
      for index in 0..<4 { column[index] = index == unit ? 1 : 0 }
      solve(factor: factor, &column)
      for index in 0..<4 { inverse[index * 4 + unit] = column[index] }
    }
  }
}
