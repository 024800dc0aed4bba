import WhitlockCore

/// The XRF Mg/Ca pipeline: energy axis from the device calibration, SNIP background, a weighted
/// Gaussian fit of Mg Kα, P Kα, Ca Kα/Kβ, interfering tissue lines and Si escape peaks (widths
/// from the detector resolution law, Poisson weights), then a local re-fit of Mg Kα on raw counts
/// with a polynomial background, and Mg/Ca = (A_Mg / A_Ca) / RSF with propagated σ.
///
/// Pure computation; reuses its buffers (no allocation per spectrum in steady state); one per
/// thread.
public final class XRFPipeline {
  /// The parameters.
  public let settings: XRFPipelineSettings
  private let lines: [XRFPipelineSettings.Line]
  private let priors: [BandPrior]
  private let magnesiumIndex = 0
  private let phosphorusIndex = 1
  private let calciumIndex = 2
  private let calciumBetaIndex = 3

  private let energy = ScratchBuffer()
  private let raw = ScratchBuffer()
  private let background = ScratchBuffer()
  private let net = ScratchBuffer()
  private let weights = ScratchBuffer()
  private let scratch = ScratchBuffer()
  private let normal = ScratchBuffer(capacity: 64)
  private let factor = ScratchBuffer(capacity: 64)
  private let inverse = ScratchBuffer(capacity: 64)
  private let rhs = ScratchBuffer(capacity: 8)
  private let column = ScratchBuffer(capacity: 8)
  private let inverseScratch = ScratchBuffer(capacity: 64)
  private let row = ScratchBuffer(capacity: 8)
  private let fitter: BandFitter

  /// Creates a pipeline; `kernels` chooses the build of the fit's inner loops (same results).
  public init(
    settings: XRFPipelineSettings = XRFPipelineSettings(), kernels: DetectorKernels = .active
  ) {
    self.settings = settings
    fitter = BandFitter(kernels: kernels)
    lines = settings.fitLines
    priors = lines.map { line in
      let width = settings.fwhm(atEnergy: line.energy)
      return BandPrior(
        name: line.name, centre: line.energy, centreRange: line.energy...line.energy,
        fwhm: width, fwhmRange: width...width)
    }
  }

  /// Analyses one acquisition.
  public func analyze(_ acquisition: Acquisition) -> XRFAnalysis {
    acquisition.counts.withUnsafeBufferPointer {
      analyze(counts: $0, axis: acquisition.axis, fullScale: acquisition.fullScale)
    }
  }

  /// Analyses raw MCA counts on a linear energy calibration.
  public func analyze(
    counts: UnsafeBufferPointer<UInt32>, axis: AxisCalibration, fullScale: UInt32
  ) -> XRFAnalysis {
    guard case .linearEnergy(let gain, let offset) = axis, gain > 0, gain.isFinite,
      offset.isFinite
    else {
      var result = XRFAnalysis()
      result.channelCount = counts.count
      result.flags.insert(.axisUnsupported)
      return result
    }
    return analyze(
      count: counts.count, gain: gain, offset: offset, fullScale: Double(fullScale)
    ) { counts[$0] >= fullScale ? Double(fullScale) : Double(counts[$0]) }
  }

  /// Analyses counts given per channel with energies in keV (from a text file); the energies
  /// must be evenly spaced and increasing.
  public func analyze(energies: [Double], counts: [Double], fullScale: Double = .infinity)
    -> XRFAnalysis
  {
    let n = min(energies.count, counts.count)
    guard n >= 2, energies[n - 1] > energies[0] else {
      var result = XRFAnalysis()
      result.channelCount = n
      result.flags.insert(.axisUnsupported)
      return result
    }
    let gain = (energies[n - 1] - energies[0]) / Double(n - 1)
    return analyze(count: n, gain: gain, offset: energies[0], fullScale: fullScale) {
      counts[$0].isFinite ? max(counts[$0], 0) : 0
    }
  }

  private func analyze(
    count: Int, gain: Double, offset: Double, fullScale: Double, value: (Int) -> Double
  ) -> XRFAnalysis {
    var result = XRFAnalysis()
    result.channelCount = count
    // Channels summed per analysed point; the point's energy is its channels' mean.
    let k = settings.analysisSpacing.map { min(max(Int($0 / gain + 1e-9), 1), count) } ?? 1
    result.channelsSummed = k
    let nativeGain = gain
    let gain = nativeGain * Double(k)
    let offset = offset + nativeGain * Double(k - 1) / 2
    let count = count / k
    let snipChannels = max(Int((settings.snipWidth / gain).rounded()), 1)
    let firstFit = Int(((settings.fitRange.lowerBound - offset) / gain).rounded(.up))
    let lastFit = Int(((settings.fitRange.upperBound - offset) / gain).rounded(.down))
    let first = max(firstFit - snipChannels, 0)
    let last = min(lastFit + snipChannels, count - 1)
    guard firstFit >= 0, lastFit < count, lastFit - firstFit >= 3 * priors.count + 8 else {
      result.flags.insert(.axisUnsupported)
      return result
    }
    let n = last - first + 1
    let e = energy.reserve(n)
    let y = raw.reserve(n)
    let b = background.reserve(n)
    let z = net.reserve(n)
    let w = weights.reserve(n)
    let s = scratch.reserve(n)
    var saturated = 0
    for i in 0..<n {
      let channel = first + i
      e[i] = offset + gain * Double(channel)
      var sum = 0.0
      for native in (channel * k)..<(channel * k + k) {
        let counts = value(native)
        if counts >= fullScale, channel >= firstFit, channel <= lastFit { saturated += 1 }
        sum += counts
      }
      y[i] = sum
    }
    result.saturatedChannels = saturated
    if saturated > 0 { result.flags.insert(.saturated) }
    SNIPBackground.estimate(counts: y, count: n, window: snipChannels, background: b, scratch: s)
    for i in 0..<n {
      z[i] = y[i] - b[i]
      w[i] = 1 / max(y[i], 1)
    }
    let start = firstFit - first
    let fitCount = lastFit - firstFit + 1
    fitter.prepare(
      x: e + start, values: z + start, rawValues: z + start, weights: w + start, count: fitCount,
      priors: priors, eta: 0, fitEta: false)
    guard fitter.screen() else {
      result.flags.insert(.fitDegenerate)
      return result
    }
    result.reducedChiSquare = fitter.lastReducedChiSquare
    result.magnesiumSNIP = screened(magnesiumIndex)
    result.phosphorus = screened(phosphorusIndex)
    result.calcium = screened(calciumIndex)
    result.calciumBeta = screened(calciumBetaIndex)
    result.calciumEnergyOffset = centroidOffset(
      energies: e, net: z, count: n, line: settings.calcium.energy)
    result.magnesium = refitMagnesium(energies: e, raw: y, count: n, gain: gain)
    ratio(&result)
    return result
  }

  private func screened(_ index: Int) -> FittedBand {
    var band = FittedBand()
    let area = fitter.screenedArea(index)
    band.area = area.area
    band.areaSigma = area.sigma
    band.centre = lines[index].energy
    band.fwhm = priors[index].fwhm
    return band
  }

  /// Net-count centroid within ±1 FWHM of `line`, minus `line`.
  private func centroidOffset(
    energies e: UnsafePointer<Double>, net z: UnsafePointer<Double>, count n: Int, line: Double
  ) -> Double {
    let half = settings.fwhm(atEnergy: line)
    var sum = 0.0
    var weighted = 0.0
    for i in 0..<n where abs(e[i] - line) <= half && z[i] > 0 {
      sum += z[i]
      weighted += z[i] * e[i]
    }
    return sum > 0 ? weighted / sum - line : .nan
  }

  /// Mg Kα on raw counts: Gaussian (fixed position and width) + polynomial background in energy,
  /// Poisson-weighted linear least squares; σ from the covariance (inflated by χ²_red > 1).
  private func refitMagnesium(
    energies e: UnsafePointer<Double>, raw y: UnsafePointer<Double>, count n: Int, gain: Double
  ) -> FittedBand {
    var band = FittedBand()
    let order = min(max(settings.magnesiumBackgroundOrder, 0), 4)
    let m = order + 2
    let nm = normal.reserve(m * m)
    let f = factor.reserve(m * m)
    let inv = inverse.reserve(m * m)
    let g = rhs.reserve(m)
    let col = column.reserve(m)
    let r = row.reserve(m)
    for k in 0..<(m * m) { nm[k] = 0 }
    for k in 0..<m { g[k] = 0 }
    let line = settings.magnesium.energy
    let width = settings.fwhm(atEnergy: line)
    let range = settings.magnesiumRefitRange
    let centre = (range.lowerBound + range.upperBound) / 2
    let half = (range.upperBound - range.lowerBound) / 2
    var points = 0
    for i in 0..<n where range.contains(e[i]) {
      points += 1
      r[0] = gain * PseudoVoigt.value(offset: e[i] - line, fwhm: width, eta: 0)
      let u = (e[i] - centre) / half
      var power = 1.0
      for k in 1..<m {
        r[k] = power
        power *= u
      }
      let weight = 1 / max(y[i], 1)
      for a in 0..<m {
        g[a] += weight * r[a] * y[i]
        for c in 0..<m { nm[a * m + c] += weight * r[a] * r[c] }
      }
    }
    guard points > m + 2, DenseCholesky.factor(nm, n: m, into: f) else { return band }
    DenseCholesky.invert(factor: f, n: m, into: inv, scratch: inverseScratch.reserve(m * m))
    for k in 0..<m { col[k] = g[k] }
    DenseCholesky.solve(factor: f, n: m, col)
    var chi = 0.0
    for i in 0..<n where range.contains(e[i]) {
      var model = col[0] * gain * PseudoVoigt.value(offset: e[i] - line, fwhm: width, eta: 0)
      let u = (e[i] - centre) / half
      var power = 1.0
      for k in 1..<m {
        model += col[k] * power
        power *= u
      }
      let residual = y[i] - model
      chi += residual * residual / max(y[i], 1)
    }
    let reduced = chi / Double(points - m)
    band.area = col[0]
    band.areaSigma = (inv[0] * max(reduced, 1)).squareRoot()
    band.centre = line
    band.fwhm = width
    return band
  }

  private func ratio(_ result: inout XRFAnalysis) {
    let sensitivity: Double
    if let factor = settings.relativeSensitivityFactor, factor > 0, factor.isFinite {
      sensitivity = factor
    } else {
      sensitivity = 1
      result.flags.insert(.uncalibrated)
    }
    let mg = result.magnesium
    let ca = result.calcium
    guard mg.area.isFinite, mg.areaSigma.isFinite else {
      result.flags.insert(.fitDegenerate)
      return
    }
    if mg.significance < settings.magnesiumSignificance {
      result.flags.insert(.magnesiumNotSignificant)
    }
    guard ca.area > 0, ca.areaSigma.isFinite,
      ca.area >= settings.calciumSignificance * ca.areaSigma
    else {
      result.flags.insert(.lowSNR)
      return
    }
    let value = mg.area / ca.area / sensitivity
    let variance =
      mg.areaSigma * mg.areaSigma / (ca.area * ca.area)
      + mg.area * mg.area * ca.areaSigma * ca.areaSigma / (ca.area * ca.area * ca.area * ca.area)
    let sigma = variance.squareRoot() / sensitivity
    guard value.isFinite, sigma.isFinite else {
      result.flags.insert(.fitDegenerate)
      return
    }
    result.mgCaRatio = value
    result.mgCaRatioSigma = sigma
  }
}
