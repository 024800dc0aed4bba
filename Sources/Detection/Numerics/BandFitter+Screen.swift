// The linear screen: areas and baseline with every band at its prior centre and width.
extension BandFitter {
  /// Fits areas and baseline with every band at its prior centre and width (linear least
  /// squares). Returns false when the system is singular. Areas may come out negative here; they
  /// are reported as they are (a screen, not a physical estimate) and clamped before `refine`.
  func screen() -> Bool {
    guard let y, count > bandCount + 2 else { return false }
    let p = parameters.pointer
    let m = bandCount + 2
    let nm = normal.pointer
    let g = gradient.pointer
    // Rows 0..<bandCount: unit profiles; then the baseline's 1 and u (all cached per axis).
    let design = screenProfiles.pointer
    let u = unitAxis.pointer
    let count = self.count
    if let weights {
      gram(design: design, rows: m, weights: weights, into: nm)
    } else {
      let unweighted = screenGram.pointer
      if !screenGramValid {
        gram(design: design, rows: m, weights: nil, into: unweighted)
        screenGramValid = true
      }
      for k in 0..<(m * m) { nm[k] = dataWeight * unweighted[k] }
    }
    for a in 0..<m {
      let row = design + a * count
      var sum = 0.0
      if let weights {
        for i in support[2 * a]..<support[2 * a + 1] { sum += weights[i] * row[i] * y[i] }
      } else {
        for i in support[2 * a]..<support[2 * a + 1] { sum += row[i] * y[i] }
        sum *= dataWeight
      }
      g[a] = sum
    }
    guard scaledInverse(size: m, allFree: true) else { return false }
    // Solution θ = (JᵀJ)⁻¹·Jᵀy using the inverse just computed.
    let c = covariance.pointer
    let s = step.pointer
    for a in 0..<m {
      var sum = 0.0
      for b in 0..<m { sum += c[a * m + b] * g[b] }
      s[a] = sum
    }
    for band in 0..<bandCount { p[areaIndex(band)] = s[band] }
    p[baselineIndex] = s[bandCount]
    p[baselineIndex + 1] = s[bandCount + 1]
    if fitsEta { p[etaIndex] = fixedEta }
    // Residual variance on raw data, then the area covariance.
    let model = modelValues.pointer
    for i in 0..<count {
      var value = s[bandCount] + s[bandCount + 1] * u[i]
      for band in 0..<bandCount { value += s[band] * design[band * count + i] }
      model[i] = value
    }
    let variance = residualVariance(freeParameters: m, model: model)
    for a in 0..<bandCount {
      for b in 0..<bandCount {
        screenAreaCovariance[a * Self.maximumBands + b] =
          c[a * m + b] * misfitCountedAtReferenceSpacing(variance)
      }
    }
    return true
  }

  /// Covariance of two screened band areas, counts².
  func screenedAreaCovariance(_ first: Int, _ second: Int) -> Double {
    screenAreaCovariance[first * Self.maximumBands + second] / (meanSpacing * meanSpacing)
  }

  /// The screened area of band `b` (counts) and its σ.
  func screenedArea(_ band: Int) -> (area: Double, sigma: Double) {
    let a = parameters.pointer[areaIndex(band)] / meanSpacing
    let s =
      max(screenAreaCovariance[band * Self.maximumBands + band], 0).squareRoot() / meanSpacing
    return (a, s)
  }

  /// Residual variance of `model` (the current parameters' model values) against the raw data.
  func residualVariance(freeParameters: Int, model: UnsafePointer<Double>) -> Double {
    guard let raw else { return .nan }
    var sum = 0.0
    var weightSum = 0.0
    for i in 0..<count {
      let r = raw[i] - model[i]
      let w = weight(i)
      sum += w * r * r
      weightSum += w
    }
    lastResidualRMS = (sum / max(weightSum, 1e-300)).squareRoot()
    let dof = max(count - freeParameters, 1)
    lastReducedChiSquare = sum / Double(dof)
    // With weights the reduced χ² scales the covariance (≈ 1 when the weights are right).
    return sum / Double(dof)
  }

  /// Σᵢ wᵢ·D_a,i·D_b,i for all rows a, b of the band-major `design`, each product summed only
  /// where both rows are nonzero (`support`): a Gaussian line is exactly zero beyond its
  /// e^(−60) wing, so an XRF window's line pairs cost their overlap, not the window.
  func gram(
    design: UnsafePointer<Double>, rows m: Int, weights: UnsafePointer<Double>?,
    into target: UnsafeMutablePointer<Double>
  ) {
    let count = self.count
    for a in 0..<m {
      let rowA = design + a * count
      for b in 0...a {
        let rowB = design + b * count
        let low = max(support[2 * a], support[2 * b])
        let high = min(support[2 * a + 1], support[2 * b + 1])
        var sum = 0.0
        if low < high {
          if let weights {
            for i in low..<high { sum += weights[i] * rowA[i] * rowB[i] }
          } else {
            for i in low..<high { sum += rowA[i] * rowB[i] }
          }
        }
        target[a * m + b] = sum
        target[b * m + a] = sum
      }
    }
  }

  /// Rebuilds `screenProfiles` unless the axis, priors and η are those it was built for.
  func prepareScreenProfiles(x: UnsafePointer<Double>, priors: [BandPrior]) {
    let key = profileKey.reserve(2 * bandCount + 2)
    var valid = profileCount == count && key[0] == fixedEta && key[1] == Double(bandCount)
    if valid {
      for band in 0..<bandCount
      where key[2 + 2 * band] != priors[band].centre || key[3 + 2 * band] != priors[band].fwhm {
        valid = false
      }
    }
    if valid {
      let cached = profileAxis.pointer
      for i in 0..<count where cached[i] != x[i] { valid = false }
    }
    if valid { return }
    screenGramValid = false
    let cached = profileAxis.reserve(count)
    for i in 0..<count { cached[i] = x[i] }
    key[0] = fixedEta
    key[1] = Double(bandCount)
    let profiles = screenProfiles.reserve((bandCount + 2) * count)
    for band in 0..<bandCount {
      let prior = priors[band]
      key[2 + 2 * band] = prior.centre
      key[3 + 2 * band] = prior.fwhm
      let row = profiles + band * count
      for i in 0..<count { row[i] = 0 }
      // The profile loop of the kernel build in use (0 + 1·value is the value exactly).
      kernels.addBand(
        fwhm: prior.fwhm, eta: fixedEta, position: prior.centre, area: 1, x: x, count: count,
        to: row)
      var first = 0
      while first < count, row[first] == 0 { first += 1 }
      var last = count
      while last > first, row[last - 1] == 0 { last -= 1 }
      support[2 * band] = first
      support[2 * band + 1] = last
    }
    let u = unitAxis.pointer
    for i in 0..<count {
      profiles[bandCount * count + i] = 1
      profiles[(bandCount + 1) * count + i] = u[i]
    }
    for k in bandCount..<(bandCount + 2) {
      support[2 * k] = 0
      support[2 * k + 1] = count
    }
    screenGram.reserve((bandCount + 2) * (bandCount + 2))
    profileCount = count
  }
}
