/// The open-set checks (see `RamanPhaseRules`): a phase is named only when its band pattern in
/// the measured range fits, and a band near ν1 without phosphate companions is not a phosphate.
extension RamanPipeline {
  /// Records the phosphate window's misfit and every band its fitted model leaves in the
  /// residual (`residualBandSignificance` σ and `residualBandMinimumShare` of ν1 or more).
  func findResidualBands(_ result: inout RamanAnalysis) {
    let rules = settings.phases
    let range = phosphateRange
    let fitter = phosphateFitter
    guard result.phosphateFit.refined, range.count > 8, result.phosphateArea > 0 else { return }
    let noise = fitter.noiseSigma
    if noise.isFinite, noise > 0, result.phosphateFit.residualRMS.isFinite {
      let ratio = result.phosphateFit.residualRMS / noise
      result.openSet.phosphateMisfit = ratio * ratio
    }
    let x = axis.pointer + range.lowerBound
    let smoothedResidual = scratchA.pointer
    let rawResidual = scratchB.pointer
    let s = smoothed.pointer + range.lowerBound
    let c = corrected.pointer + range.lowerBound
    let m = range.count
    for i in 0..<m {
      let model = fitter.modelValue(at: i)
      smoothedResidual[i] = s[i] - model
      rawResidual[i] = c[i] - model
    }
    let spacing = abs(x[m - 1] - x[0]) / Double(m - 1)
    let half = max(Int((rules.residualBandWidth / 2 / spacing).rounded()), 1)
    let sigma = pixelNoise * Double(2 * half + 1).squareRoot()
    guard sigma > 0, m > 2 * half + 2 else { return }
    let brushiteCalled = dominant(anchors.brushite)
    for j in half..<(m - half) where smoothedResidual[j] > 0 {
      var isMaximum = true
      for k in (j - half)...(j + half) where k != j && smoothedResidual[k] >= smoothedResidual[j] {
        if k > j || smoothedResidual[k] > smoothedResidual[j] {
          isMaximum = false
          break
        }
      }
      guard isMaximum else { continue }
      if brushiteCalled, abs(x[j] - anchors.brushite.position) <= toleratedOffset {
        continue
      }
      var area = 0.0
      for k in (j - half)...(j + half) { area += rawResidual[k] }
      var band = ResidualBand()
      band.centre = x[j]
      band.area = area
      band.significance = area / sigma
      band.share = area / result.phosphateArea
      if band.significance >= rules.residualBandSignificance,
        band.share >= rules.residualBandMinimumShare
      {
        result.openSet.add(band)
        result.openSet.patternFits = false
      }
    }
  }

  /// A lone band in the ν1 window is not a phosphate: no phosphate, no fraction, the band named.
  func withdrawLoneBand(_ result: inout RamanAnalysis) {
    var band = ResidualBand()
    band.centre = result.phosphateCentre
    band.area = result.phosphateArea
    band.significance = result.phosphateSignificance
    band.share = 1
    result.openSet.add(band)
    result.openSet.patternFits = false
    result.phosphateDetected = false
    result.whitlockiteFraction = nil
    result.whitlockiteFractionSigma = nil
    result.evidenceFraction = nil
    result.evidenceFractionSigma = nil
    result.positionFraction = nil
    result.positionFractionSigma = nil
    result.crystallinityFWHM = nil
    result.crystallinityFWHMSigma = nil
    result.carbonateToPhosphate = nil
    result.carbonateToPhosphateSigma = nil
    result.flags.insert(.unassignedBand)
  }
}
