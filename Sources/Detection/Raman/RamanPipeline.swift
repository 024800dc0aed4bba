import WhitlockCore

/// The full Raman whitlockite pipeline for one spectrum at a time: spike removal, baseline,
/// Savitzky–Golay smoothing, bounded pseudo-Voigt fits of the phosphate (925–1015 cm⁻¹),
/// carbonate (1015–1110) and oxalate (1415–1535) windows, then the detection rule.
///
/// Pure computation: no I/O, no Foundation. A pipeline owns its workspace and reuses it, so after
/// the first spectrum of a given length and calibration `analyze` does not allocate. It is not
/// thread-safe: give each thread (instrument session) its own.
///
/// Detection rule (all thresholds in `RamanPipelineSettings.Decision`): the crystalline
/// phosphate ν1 (HAP + whitlockite) is *detected* when its area is ≥ `minimumSignificance`·σ,
/// its area-weighted centre lies in `phosphateCentreRange`, the dominant component's FWHM lies in
/// `phosphateFWHMRange` and its peak height is ≥ `minimumPeakToNoise` × the residual RMS. Only
/// then is the whitlockite fraction A970/(A961 + A970) reported, so a carbonate (calcite) or
/// tissue spectrum gets `nil` rather than a fraction fitted to noise and baseline residue.
public final class RamanPipeline {
  /// The pipeline's parameters.
  public let settings: RamanPipelineSettings

  var phosphatePriors: [BandPrior]
  var carbonatePriors: [BandPrior]
  var oxalatePriors: [BandPrior]
  var oxalateCCPriors: [BandPrior]
  var brushitePriors: [BandPrior]
  /// Collagen companion (855, 876) and lipid companion (1128) priors (see `RamanTissueModel`).
  let tissueCollagenPriors: [BandPrior]
  let tissueLipidPriors: [BandPrior]
  /// Anchor bands of the current spectrum (see `RamanPhaseRules`).
  var anchors = RamanAnchors()
  /// Robust noise σ per pixel of the baseline-corrected spectrum.
  var pixelNoise = 0.0
  /// The axis offset tolerated for the current spectrum, cm⁻¹ (see
  /// `RamanPhaseRules.offsetTolerance(for:)`).
  var toleratedOffset = 0.0

  private var cachedCalibration: AxisCalibration?
  private var cachedCount = -1
  private var fullAxis: [Double] = []
  private var roiStart = 0
  /// Pixels of the processing range as read, and how many of them are averaged into one point
  /// of the analysis axis (see `RamanPipelineSettings.analysisSpacing`).
  private var nativeCount = 0
  private var binning = 1
  /// Points of the analysis axis (the processing range after binning).
  var roiCount = 0
  private var axisUsable = false
  private(set) var phosphateRange = 0..<0
  private var carbonateRange = 0..<0
  private var oxalateRange = 0..<0

  let axis = ScratchBuffer()
  private let nativeAxis = ScratchBuffer()
  private let nativeValues = ScratchBuffer()
  private let values = ScratchBuffer()
  private let baseline = ScratchBuffer()
  let corrected = ScratchBuffer()
  let smoothed = ScratchBuffer()
  let scratchA = ScratchBuffer()
  let scratchB = ScratchBuffer()
  private let baselineEstimator: BaselineEstimator
  private let smoother: SavitzkyGolay
  /// One fitter per window, so each keeps its window's cached screen profiles across spectra.
  let phosphateFitter: BandFitter
  private let carbonateFitter: BandFitter
  private let oxalateFitter: BandFitter
  private let oxalateCCFitter: BandFitter
  private let brushiteFitter: BandFitter
  let collagenFitter: BandFitter
  let lipidFitter: BandFitter

  /// Creates a pipeline; buffers grow on the first spectrum and are kept. `kernels` chooses the
  /// build of the fits' inner loops (the results are the same; only the speed differs).
  public init(
    settings: RamanPipelineSettings = RamanPipelineSettings(),
    kernels: DetectorKernels = .active
  ) {
    self.settings = settings
    baselineEstimator = BaselineEstimator(kernels: kernels)
    smoother = SavitzkyGolay(kernels: kernels)
    phosphateFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    carbonateFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    oxalateFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    oxalateCCFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    brushiteFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    collagenFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    lipidFitter = BandFitter(
      kernels: kernels, misfitReferenceSpacing: settings.fitting.misfitReferenceSpacing)
    tissueCollagenPriors = [settings.tissue.collagen855, settings.tissue.collagen876]
    tissueLipidPriors = [settings.tissue.lipid1128]
    phosphatePriors = settings.phosphateBands
    carbonatePriors = settings.carbonateBands
    oxalatePriors = settings.oxalateBands
    oxalateCCPriors = [settings.whewelliteCC]
    brushitePriors = [settings.brushiteCompanion, settings.brushite]
  }

  /// Analyses one acquisition; `axisAccuracy` says whether its axis is calibrated, which sets
  /// the axis offset tolerated. `responseFactors`, one per pixel, multiply the counts before
  /// analysis (an intensity-response correction); the acquisition itself is not changed.
  public func analyze(
    _ acquisition: Acquisition, axisAccuracy: RamanAxisAccuracy = .uncalibrated,
    responseFactors: UnsafeBufferPointer<Double>? = nil
  ) -> RamanAnalysis {
    acquisition.counts.withUnsafeBufferPointer { counts in
      analyze(
        counts: counts, axis: acquisition.axis, fullScale: acquisition.fullScale,
        axisAccuracy: axisAccuracy, responseFactors: responseFactors)
    }
  }

  /// Analyses raw counts on a device calibration; counts ≥ `fullScale` are saturated (judged on
  /// the raw counts). `responseFactors`, when given, holds one multiplier per pixel applied to
  /// the counts before analysis (1 where nothing is corrected).
  public func analyze(
    counts: UnsafeBufferPointer<UInt32>, axis calibration: AxisCalibration, fullScale: UInt32,
    axisAccuracy: RamanAxisAccuracy = .uncalibrated,
    responseFactors: UnsafeBufferPointer<Double>? = nil
  ) -> RamanAnalysis {
    precondition(
      responseFactors == nil || responseFactors?.count == counts.count,
      "one response factor per pixel")
    var result = RamanAnalysis()
    result.pixelCount = counts.count
    tolerate(axisAccuracy, in: &result)
    guard case .wavelengthPolynomial = calibration else {
      result.flags.insert(.axisUnsupported)
      return result
    }
    if cachedCalibration != calibration || cachedCount != counts.count {
      calibration.fillAxis(&fullAxis, count: counts.count)
      cachedCalibration = calibration
      cachedCount = counts.count
      fullAxis.withUnsafeBufferPointer { prepareAxis($0) }
    }
    guard axisUsable else {
      result.flags.insert(.axisUnsupported)
      return result
    }
    let v = nativeValues.pointer
    var saturated = 0
    for i in 0..<nativeCount {
      let raw = counts[roiStart + i]
      if raw >= fullScale { saturated += 1 }
      v[i] = Double(raw)
    }
    if let responseFactors {
      for i in 0..<nativeCount { v[i] *= responseFactors[roiStart + i] }
    }
    return process(saturated: saturated, into: &result)
  }

  /// Analyses a spectrum given as Raman shift (cm⁻¹) and intensity pairs, e.g. a text file. The
  /// shifts must be strictly monotonic; `fullScale` marks saturation (∞ for none).
  public func analyze(
    shifts: [Double], intensities: [Double], fullScale: Double = .infinity,
    axisAccuracy: RamanAxisAccuracy = .uncalibrated
  ) -> RamanAnalysis {
    var result = RamanAnalysis()
    result.pixelCount = min(shifts.count, intensities.count)
    tolerate(axisAccuracy, in: &result)
    cachedCalibration = nil
    cachedCount = -1
    fullAxis.removeAll(keepingCapacity: true)
    fullAxis.append(contentsOf: shifts.prefix(result.pixelCount))
    fullAxis.withUnsafeBufferPointer { prepareAxis($0) }
    guard axisUsable else {
      result.flags.insert(.axisUnsupported)
      return result
    }
    let v = nativeValues.pointer
    var saturated = 0
    for i in 0..<nativeCount {
      let value = intensities[roiStart + i]
      if value >= fullScale { saturated += 1 }
      v[i] = value.isFinite ? value : 0
    }
    return process(saturated: saturated, into: &result)
  }

  /// Sets the axis offset tolerated for this spectrum and records it.
  private func tolerate(_ accuracy: RamanAxisAccuracy, in result: inout RamanAnalysis) {
    toleratedOffset = settings.phases.offsetTolerance(for: accuracy)
    result.offsetTolerance = toleratedOffset
    result.axisCalibrated = accuracy != .uncalibrated
  }

  /// Finds the processing range and the fit windows on the axis and copies the range's shifts.
  private func prepareAxis(_ full: UnsafeBufferPointer<Double>) {
    axisUsable = false
    let n = full.count
    guard n >= 16 else { return }
    let increasing = full[n - 1] > full[0]
    for i in 1..<n {
      let step = full[i] - full[i - 1]
      guard step.isFinite, increasing ? step > 0 : step < 0 else { return }
    }
    var first = -1
    var last = -1
    for i in 0..<n where settings.processingRange.contains(full[i]) {
      if first < 0 { first = i }
      last = i
    }
    guard first >= 0, last - first + 1 >= 32 else { return }
    roiStart = first
    nativeCount = last - first + 1
    let nativeX = nativeAxis.reserve(nativeCount)
    nativeValues.reserve(nativeCount)
    for i in 0..<nativeCount { nativeX[i] = full[first + i] }
    let nativeSpacing = abs(nativeX[nativeCount - 1] - nativeX[0]) / Double(nativeCount - 1)
    binning = 1
    if let target = settings.analysisSpacing, target > 0, nativeSpacing > 0 {
      binning = min(max(Int((target / nativeSpacing).rounded(.up)), 1), nativeCount / 32)
    }
    roiCount = nativeCount / binning
    axis.reserve(roiCount)
    values.reserve(roiCount)
    baseline.reserve(roiCount)
    corrected.reserve(roiCount)
    smoothed.reserve(roiCount)
    scratchA.reserve(nativeCount)
    scratchB.reserve(nativeCount)
    let x = axis.pointer
    RunMeans.average(nativeX, count: nativeCount, run: binning, into: x)
    phosphateRange = indexRange(settings.phosphateWindow)
    carbonateRange = indexRange(settings.carbonateWindow)
    oxalateRange = indexRange(settings.oxalateWindow)
    let spacing = abs(x[roiCount - 1] - x[0]) / Double(roiCount - 1)
    var window = Int((settings.smoothing.windowWavenumbers / spacing).rounded())
    if window % 2 == 0 { window += 1 }
    window = max(window, settings.smoothing.order + 2 + (settings.smoothing.order % 2 == 0 ? 1 : 0))
    if window % 2 == 0 { window += 1 }
    if !settings.smoothing.enabled
      || !smoother.prepare(pixels: window, order: settings.smoothing.order)
    {
      _ = smoother.prepare(pixels: 0, order: 0)
    }
    axisUsable = phosphateRange.count >= 16
  }

  /// Indices (within the processing range) whose shift lies in `window`.
  private func indexRange(_ window: ClosedRange<Double>) -> Range<Int> {
    let x = axis.pointer
    var first = -1
    var last = -1
    for i in 0..<roiCount where window.contains(x[i]) {
      if first < 0 { first = i }
      last = i
    }
    return first < 0 ? 0..<0 : first..<(last + 1)
  }

  /// Despikes `nativeValues`, bins them onto the analysis axis, then baselines, smooths, fits
  /// and decides.
  private func process(saturated: Int, into result: inout RamanAnalysis) -> RamanAnalysis {
    let n = roiCount
    result.processedPixels = nativeCount
    result.analysisPoints = n
    result.saturatedPixels = saturated
    if saturated > 0 { result.flags.insert(.saturated) }
    let x = axis.pointer
    let v = values.pointer
    let native = nativeValues.pointer
    if settings.despike.enabled {
      result.spikePixelsRemoved = SpikeRemover.remove(
        values: native, axis: nativeAxis.pointer, count: nativeCount,
        threshold: settings.despike.threshold,
        dilationWavenumbers: settings.despike.dilationWavenumbers,
        maximumWidthWavenumbers: settings.despike.maximumWidthWavenumbers,
        differences: scratchA.pointer, mask: scratchB.pointer)
      if result.spikePixelsRemoved > 0 { result.flags.insert(.spikesRemoved) }
    }
    RunMeans.average(native, count: nativeCount, run: binning, into: v)
    let z = baseline.pointer
    if !baselineEstimator.estimate(
      values: v, axis: x, count: n, settings: settings.baseline, into: z)
    {
      result.flags.insert(.fitDegenerate)
    }
    result.baselineIterations = baselineEstimator.iterations
    let c = corrected.pointer
    for i in 0..<n { c[i] = v[i] - z[i] }
    let s = smoothed.pointer
    smoother.apply(c, count: n, into: s)

    var level = 0.0
    for i in 0..<n { level += abs(v[i]) }
    noiseFloor = max(level / Double(max(n, 1)) * 1e-6, 1e-12)
    estimatePixelNoise(count: n)
    removeTissueBands(&result)
    findAnchors()
    placeAnchoredPriors()

    var fitter = phosphateFitter
    result.phosphateFit = fitWindow(
      phosphateRange, priors: phosphatePriors, trigger: 0...2, group: 1...2, fitter: fitter,
      nuisance: [3])
    if !result.phosphateFit.degenerate {
      let refined = result.phosphateFit.refined
      result.acp = fitter.bandOrScreen(0, refined: refined)
      result.hap = fitter.bandOrScreen(1, refined: refined)
      result.whitlockite = fitter.bandOrScreen(2, refined: refined)
      result.phenylalanine = fitter.bandOrScreen(3, refined: refined)
      result.hpo4 = fitter.bandOrScreen(4, refined: refined)
      anchors.hpo4AtBound = refined && result.hpo4.area > 0 && fitter.isAtBound(4)
      addTissueSpread(&result, phosphateWindow: true)
      decidePhosphate(&result, covariance: refined ? fitter.areaCovariance(1, 2) : 0)
    }
    fitter = carbonateFitter
    result.carbonateFit = fitWindow(
      carbonateRange, priors: carbonatePriors, trigger: 1...3, group: 2...3, fitter: fitter,
      nuisance: [0, 2, 3])
    if !result.carbonateFit.degenerate {
      let refined = result.carbonateFit.refined
      result.phenylalanine1032 = fitter.bandOrScreen(0, refined: refined)
      result.phosphateNu3 = fitter.bandOrScreen(1, refined: refined)
      anchors.nu3AtBound = refined && result.phosphateNu3.area > 0 && fitter.isAtBound(1)
      result.carbonate = fitter.bandOrScreen(2, refined: refined)
      result.calcite = fitter.bandOrScreen(3, refined: refined)
      addTissueSpread(&result, phosphateWindow: false)
      let report = result.carbonateFit
      result.carbonateDetected =
        refined && report.peakToNoise >= settings.decision.minimumPeakToNoise
        && max(
          report.screenSignificance, result.carbonate.significance, result.calcite.significance)
          >= settings.decision.minimumSignificance
    }
    fitter = oxalateFitter
    result.oxalateFit = fitWindow(
      oxalateRange, priors: oxalatePriors, trigger: 1...3, group: 1...3, fitter: fitter,
      mayRefine: anchors.oxalateCO.found)
    if !result.oxalateFit.degenerate {
      let refined = result.oxalateFit.refined
      result.methylene = fitter.bandOrScreen(0, refined: refined)
      result.whewellite1463 = fitter.bandOrScreen(1, refined: refined)
      result.weddellite1476 = fitter.bandOrScreen(2, refined: refined)
      result.whewellite1490 = fitter.bandOrScreen(3, refined: refined)
    }
    if anchors.oxalateCC.found {
      let report = fitWindow(
        anchorRange(around: anchors.oxalateCC.position, below: 22, above: 22),
        priors: oxalateCCPriors, trigger: 0...0, group: 0...0, fitter: oxalateCCFitter)
      if !report.degenerate, report.refined {
        result.oxalateCC = oxalateCCFitter.band(0)
        anchors.oxalateCC.peakToNoise = report.peakToNoise
        anchors.oxalateCCScreenSignificance = report.screenSignificance
      }
    }
    if anchors.brushite.found {
      let report = fitWindow(
        anchorRange(around: anchors.brushite.position, below: 125, above: 14),
        priors: brushitePriors, trigger: 1...1, group: 1...1, fitter: brushiteFitter)
      if !report.degenerate, report.refined {
        result.brushiteCompanion = brushiteFitter.band(0)
        result.brushite = brushiteFitter.band(1)
        anchors.brushite.peakToNoise = report.peakToNoise
        anchors.brushiteScreenSignificance = report.screenSignificance
        anchors.brushiteCompanionInRange = report.pixels > 0 && companionInRange()
      }
    }
    if !result.phosphateFit.converged || !result.carbonateFit.converged
      || !result.oxalateFit.converged
    {
      result.flags.insert(.notConverged)
    }
    if result.phosphateFit.degenerate { result.flags.insert(.fitDegenerate) }
    carbonateRatio(&result)
    callPhases(&result)
    return result
  }

  /// Smallest noise σ assumed, from the spectrum's level (guards noise-free input).
  var noiseFloor = 1e-12

  /// Screens a window linearly and refines it when a band in `trigger` is at least
  /// `screenSignificance`; records the screen significance of the summed `group` and the tallest
  /// group band's height over the noise. `mayRefine` false keeps the screen (no band the
  /// refinement could name is there). The `nuisance` bands (ones that only complete the model,
  /// never evidence for the fraction) are held at zero in the refinement when the screen finds
  /// them below `nuisanceHoldSignificance`.
  func fitWindow(
    _ range: Range<Int>, priors: [BandPrior], trigger: ClosedRange<Int>, group: ClosedRange<Int>,
    fitter: BandFitter, mayRefine: Bool = true, nuisance: [Int] = []
  ) -> WindowFitReport {
    var report = WindowFitReport()
    report.pixels = range.count
    guard range.count > 3 * priors.count + 4 else {
      report.degenerate = true
      return report
    }
    let x = axis.pointer + range.lowerBound
    fitter.prepare(
      x: x, values: smoothed.pointer + range.lowerBound,
      rawValues: corrected.pointer + range.lowerBound, count: range.count, priors: priors,
      eta: settings.fitting.lorentzianFraction, fitEta: settings.fitting.fitLorentzianFraction)
    guard fitter.screen() else {
      report.degenerate = true
      return report
    }
    report.residualRMS = fitter.lastResidualRMS
    report.lorentzianFraction = settings.fitting.lorentzianFraction
    var best = 0.0
    for band in trigger {
      let screened = fitter.screenedArea(band)
      if screened.sigma > 0 { best = max(best, screened.area / screened.sigma) }
    }
    var groupArea = 0.0
    var groupVariance = 0.0
    for a in group {
      groupArea += fitter.screenedArea(a).area
      for b in group { groupVariance += fitter.screenedAreaCovariance(a, b) }
    }
    report.screenSignificance = groupVariance > 0 ? groupArea / groupVariance.squareRoot() : 0
    guard mayRefine, best >= settings.fitting.screenSignificance else { return report }
    let outcome = fitter.refine(
      maximumIterations: settings.fitting.maximumIterations,
      tolerance: settings.fitting.tolerance, holding: nuisance,
      below: settings.fitting.nuisanceHoldSignificance)
    report.refined = true
    report.converged = outcome.converged
    report.degenerate = outcome.degenerate
    report.iterations = outcome.iterations
    report.residualRMS = outcome.residualRMS
    report.lorentzianFraction = fitter.fittedEta
    var tallest = 0.0
    for band in group { tallest = max(tallest, fitter.bandHeight(band)) }
    let noise = max(
      outcome.residualRMS, fitter.noiseSigma.isFinite ? fitter.noiseSigma : 0, noiseFloor)
    report.peakToNoise = tallest / noise
    return report
  }

  /// Applies the phosphate detection rule and computes fraction and crystallinity.
  private func decidePhosphate(_ result: inout RamanAnalysis, covariance: Double) {
    let rule = settings.decision
    let hap = result.hap
    let wh = result.whitlockite
    let total = hap.area + wh.area
    let variance =
      hap.areaSigma * hap.areaSigma + wh.areaSigma * wh.areaSigma + 2 * covariance
    result.phosphateArea = total
    result.phosphateAreaSigma = variance > 0 ? variance.squareRoot() : .nan
    guard result.phosphateFit.refined, total > 0 else { return }
    result.phosphateCentre = (hap.area * hap.centre + wh.area * wh.centre) / total
    let dominant = hap.area >= wh.area ? hap : wh
    let significance = max(result.phosphateSignificance, result.phosphateFit.screenSignificance)
    let significant = significance >= rule.minimumSignificance
    let centred = rule.phosphateCentreRange.contains(result.phosphateCentre)
    let shaped = rule.phosphateFWHMRange.contains(dominant.fwhm)
    let tall = result.phosphateFit.peakToNoise >= rule.minimumPeakToNoise
    let anchored =
      anchors.nu1.found
      && anchors.nu1.height >= settings.phases.minimumAnchorShare * anchors.tallestHeight
    result.phosphateDetected = significant && centred && shaped && tall && anchored
    if !result.phosphateDetected {
      if significance >= settings.fitting.screenSignificance {
        result.flags.insert(.lowSNR)
      }
      return
    }
    let fraction = wh.area / total
    let hapVariance = hap.areaSigma * hap.areaSigma
    let whVariance = wh.areaSigma * wh.areaSigma
    let total4 = total * total * total * total
    let fractionVariance =
      (hap.area * hap.area * whVariance + wh.area * wh.area * hapVariance
        - 2 * hap.area * wh.area * covariance) / total4
    if fraction.isFinite, fractionVariance.isFinite, fractionVariance >= 0 {
      result.positionFraction = fraction
      result.positionFractionSigma = fractionVariance.squareRoot()
    } else {
      result.flags.insert(.fitDegenerate)
    }
    if hap.significance >= rule.minimumSignificance, hap.fwhm.isFinite {
      result.crystallinityFWHM = hap.fwhm
      result.crystallinityFWHMSigma = hap.fwhmSigma.isFinite ? hap.fwhmSigma : nil
    }
  }

  /// Carbonate (B-type, ~1070) to crystalline phosphate ν1 area ratio.
  private func carbonateRatio(_ result: inout RamanAnalysis) {
    let carbonate = result.carbonate
    guard result.phosphateDetected, result.carbonateFit.refined, carbonate.area.isFinite,
      result.phosphateArea > 0
    else { return }
    let ratio = carbonate.area / result.phosphateArea
    let relative =
      (carbonate.areaSigma / max(abs(carbonate.area), 1e-300))
      * (carbonate.areaSigma / max(abs(carbonate.area), 1e-300))
      + (result.phosphateAreaSigma / result.phosphateArea)
      * (result.phosphateAreaSigma / result.phosphateArea)
    result.carbonateToPhosphate = ratio
    let sigma = abs(ratio) * relative.squareRoot()
    result.carbonateToPhosphateSigma =
      carbonate.area > 0 && sigma.isFinite
      ? sigma : carbonate.areaSigma / result.phosphateArea
  }
}

extension BandFitter {
  /// The refined band, or the linear screen's area with the prior's centre and width.
  func bandOrScreen(_ index: Int, refined: Bool) -> FittedBand {
    if refined { return band(index) }
    var band = FittedBand()
    let screened = screenedArea(index)
    band.area = screened.area
    band.areaSigma = screened.sigma
    return band
  }
}
