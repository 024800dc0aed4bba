// Parameter covariance at the solution, scaled to the misfit and the reference spacing.
extension BandFitter {
  /// Computes the covariance at the current parameters (normal equations must be current).
  func finishCovariance(_ outcome: inout Outcome) {
    let n = parameterCount
    let nm = normal.pointer
    var maximumDiagonal = 0.0
    for k in 0..<n { maximumDiagonal = max(maximumDiagonal, nm[k * n + k]) }
    for k in 0..<n { freeMask[k] = nm[k * n + k] > maximumDiagonal * 1e-18 && nm[k * n + k] > 0 }
    var free = 0
    for k in 0..<n where freeMask[k] { free += 1 }
    fillModel()
    let variance = residualVariance(freeParameters: free, model: modelValues.pointer)
    outcome.residualRMS = lastResidualRMS
    if !scaledInverse(size: n, allFree: false) {
      outcome.degenerate = true
      for k in 0..<(n * n) { covariance.pointer[k] = .nan }
    }
    // Weighted by 1/σ²_noise, so the covariance is already in parameter units; a reduced χ²
    // above 1 (model misfit) inflates it, one below 1 is not allowed to shrink it. The misfit's
    // excess is counted at `misfitReferenceSpacing` where one is set.
    let c = covariance.pointer
    let inflation = misfitCountedAtReferenceSpacing(max(variance, 1))
    for k in 0..<(n * n) { c[k] *= inflation }
  }

  /// A reduced χ² with its excess over 1 (the misfit) counted at `misfitReferenceSpacing`.
  func misfitCountedAtReferenceSpacing(_ reducedChiSquare: Double) -> Double {
    guard let reference = misfitReferenceSpacing, reducedChiSquare > 1, reducedChiSquare.isFinite,
      meanSpacing > 0
    else { return reducedChiSquare }
    return 1 + (reducedChiSquare - 1) * reference / meanSpacing
  }

  /// Inverts the `size`×`size` matrix in `normal` into `covariance` with Jacobi scaling; rows of
  /// parameters without leverage (per `freeMask` unless `allFree`) are left out of the inverted
  /// compact matrix and get NaN.
  func scaledInverse(size n: Int, allFree: Bool) -> Bool {
    let nm = normal.pointer
    let dm = damped.pointer
    let f = factor.pointer
    let c = covariance.pointer
    let sc = scale.pointer
    let compactInverse = compact.pointer
    let index = solveIndices
    var m = 0
    freeMask.withUnsafeBufferPointer { freeMask in
      for k in 0..<n {
        let free = allFree || freeMask[k]
        sc[k] = free && nm[k * n + k] > 0 ? 1 / nm[k * n + k].squareRoot() : 0
        if sc[k] != 0 {
          index[m] = k
          m += 1
        }
      }
    }
    // The factorisation reads the lower triangle only.
    for a in 0..<m {
      let source = nm + index[a] * n
      let target = dm + a * m
      let scaleA = sc[index[a]]
      for b in 0...a { target[b] = source[index[b]] * scaleA * sc[index[b]] }
    }
    if m > 0 {
      guard DenseCholesky.factor(dm, n: m, into: f) else { return false }
      DenseCholesky.invert(
        factor: f, n: m, into: compactInverse, scratch: inverseScratch.reserve(m * m))
    }
    for k in 0..<(n * n) { c[k] = .nan }
    for a in 0..<m {
      let target = c + index[a] * n
      let source = compactInverse + a * m
      let scaleA = sc[index[a]]
      for b in 0..<m { target[index[b]] = source[b] * scaleA * sc[index[b]] }
    }
    return true
  }
}
