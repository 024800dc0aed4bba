/// Bounded Levenberg–Marquardt fit of a sum of pseudo-Voigt bands on a straight local baseline,
/// with parameter uncertainties from the fit covariance.
///
/// Model over a window: y(x) = Σ_b a_b·pV(x − c_b; w_b, η) + β0 + β1·u, where pV is the unit-area
/// pseudo-Voigt, u = (x − window centre) / half-span, and η (the Lorentzian share) is either shared
/// and fitted in [0, 1] or fixed. Bounds: areas ≥ 0, centres and widths inside each band's prior
/// ranges. A trial step is projected onto the bounds (clamped) and accepted only if it lowers χ².
///
/// Fitting runs in two stages. `screen` solves the linear problem (areas and baseline) with every
/// band at its prior centre and width: cheap, and a good start. `refine` then frees centres,
/// widths and η. The parameter covariance is s²·(JᵀJ)⁻¹ at the solution, with s² the residual
/// variance against the *unsmoothed* data (`rawValues`), so smoothing does not make σ look
/// smaller than the noise warrants. Parameters with no leverage (the centre of a zero-area band)
/// are left out of the inversion and get σ = NaN.
///
/// All buffers are owned by the fitter and reused; no call allocates once the largest window and
/// band count have been seen.
final class BandFitter {
  /// Largest number of bands in one window.
  static let maximumBands = 12

  /// What happened in a fit.
  struct Outcome {
    /// The iteration converged (relative χ² change below tolerance or no further descent).
    var converged = false
    /// The normal equations could not be solved at the solution.
    var degenerate = false
    /// Iterations used.
    var iterations = 0
    /// Root-mean-square residual against the unsmoothed data.
    var residualRMS = Double.nan
  }

  /// The build of the per-pixel loops this fitter runs (results are the same with either).
  private let kernels: DetectorKernels
  private let parameters = ScratchBuffer(capacity: 32)
  private let trial = ScratchBuffer(capacity: 32)
  private let lower = ScratchBuffer(capacity: 32)
  private let upper = ScratchBuffer(capacity: 32)
  private let row = ScratchBuffer(capacity: 32)
  private let normal = ScratchBuffer(capacity: 1024)
  private let damped = ScratchBuffer(capacity: 1024)
  private let factor = ScratchBuffer(capacity: 1024)
  private let gradient = ScratchBuffer(capacity: 32)
  private let step = ScratchBuffer(capacity: 32)
  private let covariance = ScratchBuffer(capacity: 1024)
  private let scale = ScratchBuffer(capacity: 32)
  private let column = ScratchBuffer(capacity: 32)
  private let inverseScratch = ScratchBuffer(capacity: 1024)
  private let priorMean = ScratchBuffer(capacity: 32)
  private let priorPrecision = ScratchBuffer(capacity: 32)
  private let noiseScratch = ScratchBuffer(capacity: 256)
  private let noiseSelectionScratch = ScratchBuffer(capacity: 256)
  /// √weight·J and √weight·r at the current parameters, and at the trial step (swapped on accept).
  private var jacobian = ScratchBuffer(capacity: 4096)
  private var residuals = ScratchBuffer(capacity: 256)
  private var trialJacobian = ScratchBuffer(capacity: 4096)
  private var trialResiduals = ScratchBuffer(capacity: 256)
  /// Model values (unweighted) at the screened or refined parameters, for the residual variance.
  private let modelValues = ScratchBuffer(capacity: 256)
  /// Σ √weight·area·∂pV/∂η per pixel while evaluating, when η is fixed (no η column to hold it).
  private let etaScratch = ScratchBuffer(capacity: 256)
  /// Unit profiles of every band at its prior centre and width (band-major, `count` per band):
  /// the linear screen's design matrix. It depends only on the axis, the priors and η, so it is
  /// kept while those stay the same (every spectrum of one instrument) and rebuilt otherwise.
  private let screenProfiles = ScratchBuffer(capacity: 1024)
  /// The axis, prior centres and widths, and η the cached `screenProfiles` were built for.
  private let profileAxis = ScratchBuffer(capacity: 256)
  private let profileKey = ScratchBuffer(capacity: 32)
  private var profileCount = -1
  /// First and one-past-last nonzero index of each row of `screenProfiles`.
  private var support = [Int](repeating: 0, count: 2 * (maximumBands + 2))
  /// Unweighted Gram matrix of `screenProfiles`, valid while the profiles are.
  private let screenGram = ScratchBuffer(capacity: 256)
  private var screenGramValid = false
  /// JᵀJ and Jᵀr over the active parameters only, before scattering into `normal`/`gradient`.
  private let compact = ScratchBuffer(capacity: 1024)
  private let compactRight = ScratchBuffer(capacity: 32)
  /// Area indices of the active bands, in order.
  private let activeBandList = ScratchBuffer(capacity: 16)
  private var activeBandCount = 0
  /// (x − window centre) / half-span and √weight per pixel of the window.
  private let unitAxis = ScratchBuffer(capacity: 256)
  private let rootWeights = ScratchBuffer(capacity: 256)
  /// Weight of every data point, 1/σ²_noise, from `estimateNoise`.
  private var dataWeight = 1.0
  /// Robust noise σ of the raw window data (second differences), counts per pixel.
  private(set) var noiseSigma = Double.nan

  private var bandCount = 0
  private var fitsEta = false
  private var fixedEta = 0.5
  private var centre = 0.0
  private var halfSpan = 1.0
  private var meanSpacing = 1.0
  private var parameterCount = 0
  private var freeMask = (0...63).map { _ in true }
  /// Parameters held on their bound during one LM iteration (see `markBlockedParameters`).
  private var blocked = [Bool](repeating: false, count: 64)
  /// Bands taking part in the nonlinear fit (the others are held at zero area).
  private var bandActive = [Bool](repeating: true, count: maximumBands)
  /// Parameter indices of the active bands, η and the baseline, fixed for one `refine`.
  private var activeIndices = [Int](repeating: 0, count: 3 * maximumBands + 3)
  private var activeCount = 0

  /// Index of band `b`'s area, centre and FWHM in the parameter vector.
  @inline(__always) private func areaIndex(_ band: Int) -> Int { 3 * band }
  @inline(__always) private var etaIndex: Int { 3 * bandCount }
  @inline(__always) private var baselineIndex: Int { 3 * bandCount + (fitsEta ? 1 : 0) }

  /// Data of the current window, set by `prepare`.
  private var x: UnsafePointer<Double>?
  private var y: UnsafePointer<Double>?
  private var raw: UnsafePointer<Double>?
  private var weights: UnsafePointer<Double>?
  private var count = 0

  /// Axis spacing at which a model misfit's share of the parameter variance is counted, or nil
  /// to count it at the data's own spacing.
  ///
  /// A misfit (a band shape the model does not follow) is smooth, so its residuals at adjacent
  /// points are not independent; counted per point, it inflates σ in proportion to the
  /// spacing, and the same band read by a coarser-sampled instrument would look less
  /// significant. Counted at a fixed spacing, the σ it gives is the same at any sampling.
  /// Noise, which does shrink with more points, is counted as it is.
  let misfitReferenceSpacing: Double?

  /// A fitter running the given build of the per-pixel loops.
  init(kernels: DetectorKernels = .active, misfitReferenceSpacing: Double? = nil) {
    self.kernels = kernels
    self.misfitReferenceSpacing = misfitReferenceSpacing
  }

  deinit { solveIndices.deallocate() }

  /// Sets up a window: data pointers (valid until the fit ends), priors and the line-shape mode.
  /// `weights`, when given, are per-point 1/variance (for count data); otherwise all points weigh 1.
  func prepare(
    x: UnsafePointer<Double>, values: UnsafePointer<Double>, rawValues: UnsafePointer<Double>,
    weights: UnsafePointer<Double>? = nil, count: Int, priors: [BandPrior], eta: Double,
    fitEta: Bool
  ) {
    self.x = x
    self.y = values
    self.raw = rawValues
    self.weights = weights
    self.count = count
    bandCount = min(priors.count, Self.maximumBands)
    fitsEta = fitEta
    fixedEta = min(max(eta, 0), 1)
    parameterCount = 3 * bandCount + (fitEta ? 1 : 0) + 2
    let p = parameterCount
    parameters.reserve(p)
    trial.reserve(p)
    lower.reserve(p)
    upper.reserve(p)
    row.reserve(p)
    gradient.reserve(p)
    step.reserve(p)
    scale.reserve(p)
    column.reserve(p)
    normal.reserve(p * p)
    damped.reserve(p * p)
    factor.reserve(p * p)
    covariance.reserve(p * p)
    priorMean.reserve(p)
    priorPrecision.reserve(p)
    for k in 0..<p { priorPrecision.pointer[k] = 0 }
    var low = Double.infinity
    var high = -Double.infinity
    for i in 0..<count {
      low = min(low, x[i])
      high = max(high, x[i])
    }
    centre = (low + high) / 2
    halfSpan = max((high - low) / 2, 1e-12)
    meanSpacing = count > 1 ? (high - low) / Double(count - 1) : 1
    let pv = parameters.pointer
    let lo = lower.pointer
    let hi = upper.pointer
    for band in 0..<bandCount {
      let prior = priors[band]
      let a = areaIndex(band)
      pv[a] = 0
      lo[a] = 0
      hi[a] = .infinity
      pv[a + 1] = prior.centre
      lo[a + 1] = prior.centreRange.lowerBound
      hi[a + 1] = prior.centreRange.upperBound
      pv[a + 2] = prior.fwhm
      lo[a + 2] = prior.fwhmRange.lowerBound
      hi[a + 2] = prior.fwhmRange.upperBound
      priorMean.pointer[a + 1] = prior.centre
      priorMean.pointer[a + 2] = prior.fwhm
      priorPrecision.pointer[a + 1] = Self.precision(prior.centreSigma)
      priorPrecision.pointer[a + 2] = Self.precision(prior.fwhmSigma)
    }
    if fitsEta {
      pv[etaIndex] = fixedEta
      lo[etaIndex] = 0
      hi[etaIndex] = 1
    }
    for band in 0..<Self.maximumBands { bandActive[band] = true }
    estimateNoise(rawValues, count: count)
    let columns = 3 * bandCount + 3
    jacobian.reserve(count * columns)
    trialJacobian.reserve(count * columns)
    residuals.reserve(count)
    trialResiduals.reserve(count)
    modelValues.reserve(count)
    etaScratch.reserve(count)
    compact.reserve(p * p)
    compactRight.reserve(p)
    let u = unitAxis.reserve(count)
    let sw = rootWeights.reserve(count)
    for i in 0..<count {
      u[i] = (x[i] - centre) / halfSpan
      sw[i] = weight(i).squareRoot()
    }
    prepareScreenProfiles(x: x, priors: priors)
    for k in 0..<2 {
      pv[baselineIndex + k] = 0
      lo[baselineIndex + k] = -.infinity
      hi[baselineIndex + k] = .infinity
    }
  }

  private static func precision(_ sigma: Double) -> Double {
    sigma.isFinite && sigma > 0 ? 1 / (sigma * sigma) : 0
  }

  /// Noise σ from the median absolute second difference of the raw data (a model-free estimate:
  /// for white noise Δ²y has variance 6σ²; smooth bands barely contribute at these widths).
  private func estimateNoise(_ raw: UnsafePointer<Double>, count n: Int) {
    guard n >= 5 else {
      dataWeight = 1
      noiseSigma = .nan
      return
    }
    let scratch = noiseScratch.reserve(n)
    for i in 1..<(n - 1) { scratch[i - 1] = abs(raw[i + 1] - 2 * raw[i] + raw[i - 1]) }
    let mad = Selection.median(scratch, count: n - 2, scratch: noiseSelectionScratch.reserve(n))
    let sigma = mad / 0.6745 / 6.0.squareRoot()
    noiseSigma = sigma
    dataWeight = sigma > 0 && sigma.isFinite ? 1 / (sigma * sigma) : 1
  }

  /// Prior penalty Σ precision·(p − mean)² over the nonlinear parameters.
  @inline(__always) private func priorPenalty(_ p: UnsafePointer<Double>) -> Double {
    let mean = priorMean.pointer
    let precision = priorPrecision.pointer
    var sum = 0.0
    for k in 0..<(3 * bandCount) where precision[k] > 0 {
      let d = p[k] - mean[k]
      sum += precision[k] * d * d
    }
    return sum
  }

  // MARK: Model

  @inline(__always) private func eta(_ p: UnsafePointer<Double>) -> Double {
    fitsEta ? p[etaIndex] : fixedEta
  }

  @inline(__always) private func weight(_ i: Int) -> Double { weights?[i] ?? dataWeight }

  /// Evaluates the model at `p` over the window and returns the weighted χ² plus the prior
  /// penalty. Fills `jacobian` (parameter-major: `activeCount` columns of `count`, in `activeIndices`
  /// order) and `residual`, both scaled by √weight, so the normal equations are JᵀJ and Jᵀr.
  /// Computing the Jacobian with the trial χ² means an accepted step needs no second pass.
  ///
  /// The profile loop (`bandColumns`) only writes each band's columns; the weighted model is
  /// summed from the area columns afterwards, and the unweighted model (needed only for the final
  /// residual variance) is rebuilt once per fit by `fillModel`.
  private func evaluate(
    _ p: UnsafePointer<Double>, jacobian: UnsafeMutablePointer<Double>,
    residual: UnsafeMutablePointer<Double>
  ) -> Double {
    guard let x, let y else { return .nan }
    let e = eta(p)
    let bi = baselineIndex
    let bands = activeBandCount
    let list = activeBandList.pointer
    let u = unitAxis.pointer
    let sw = rootWeights.pointer
    let fitsEta = self.fitsEta
    let count = self.count
    let etaColumn = 3 * bands
    let baselineColumn = etaColumn + (fitsEta ? 1 : 0)
    let b0 = p[bi]
    let b1 = p[bi + 1]
    // Band by band, so each band's constants stay in registers over the pixel loop; the Jacobian
    // is parameter-major (`count` contiguous values per column). The η column sums every band's
    // part (into scratch when η is fixed).
    let columnEta = jacobian + etaColumn * count
    let etaSum = fitsEta ? columnEta : etaScratch.pointer
    for i in 0..<count { etaSum[i] = 0 }
    for j in 0..<bands {
      let a = Int(list[j])
      let area = p[a]
      let position = p[a + 1]
      let columnArea = jacobian + (3 * j) * count
      kernels.bandColumns(
        fwhm: p[a + 2], eta: e, position: position, area: area, x: x, rootWeights: sw,
        count: count, area: columnArea, centre: columnArea + count,
        width: columnArea + 2 * count, eta: etaSum)
    }
    let columnOne = jacobian + baselineColumn * count
    let columnU = columnOne + count
    for i in 0..<count {
      let root = sw[i]
      columnOne[i] = root
      columnU[i] = root * u[i]
      residual[i] = root * (y[i] - b0 - b1 * u[i])
    }
    for j in 0..<bands {
      let area = p[Int(list[j])]
      let columnArea = jacobian + (3 * j) * count
      for i in 0..<count { residual[i] -= area * columnArea[i] }
    }
    var chi = 0.0
    for i in 0..<count { chi += residual[i] * residual[i] }
    return chi + priorPenalty(p)
  }

  /// Writes the unweighted model at the current parameters into `modelValues`.
  private func fillModel() {
    guard let x else { return }
    let p = parameters.pointer
    let model = modelValues.pointer
    let u = unitAxis.pointer
    let e = eta(p)
    let b0 = p[baselineIndex]
    let b1 = p[baselineIndex + 1]
    for i in 0..<count { model[i] = b0 + b1 * u[i] }
    for j in 0..<activeBandCount {
      let a = Int(activeBandList.pointer[j])
      let area = p[a]
      let position = p[a + 1]
      kernels.addBand(
        fwhm: p[a + 2], eta: e, position: position, area: area, x: x, count: count, to: model)
    }
  }

  /// Forms JᵀJ into `normal` (full `parameterCount` layout, inactive rows zero) and Jᵀr plus the
  /// prior terms into `gradient` from the Jacobian and residual of the current parameters.
  private func formNormalEquations() {
    let n = parameterCount
    let m = activeCount
    let jac = jacobian.pointer
    let res = residuals.pointer
    let compactNormal = compact.pointer
    let compactGradient = compactRight.pointer
    let count = self.count
    kernels.normalEquations(
      jacobian: jac, residual: res, columns: m, count: count, normal: compactNormal,
      gradient: compactGradient)
    let nm = normal.pointer
    let g = gradient.pointer
    for k in 0..<(n * n) { nm[k] = 0 }
    for k in 0..<n { g[k] = 0 }
    activeIndices.withUnsafeBufferPointer { indices in
      for a in 0..<m {
        let ia = indices[a]
        g[ia] = compactGradient[a]
        for b in 0...a {
          let value = compactNormal[a * m + b]
          nm[ia * n + indices[b]] = value
          nm[indices[b] * n + ia] = value
        }
      }
    }
    let p = parameters.pointer
    let mean = priorMean.pointer
    let precision = priorPrecision.pointer
    for k in 0..<(3 * bandCount) where precision[k] > 0 {
      nm[k * n + k] += precision[k]
      g[k] += precision[k] * (mean[k] - p[k])
    }
  }

  // MARK: Linear screen

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

  private var screenAreaCovariance = [Double](
    repeating: .nan, count: maximumBands * maximumBands)

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
  private func residualVariance(freeParameters: Int, model: UnsafePointer<Double>) -> Double {
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
  private func gram(
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
  private func prepareScreenProfiles(x: UnsafePointer<Double>, priors: [BandPrior]) {
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

  /// Weighted residual sum of squares per degree of freedom of the last screen or refine.
  private(set) var lastReducedChiSquare = Double.nan
  /// RMS residual against the raw data of the last screen or refine.
  private(set) var lastResidualRMS = Double.nan

  // MARK: Levenberg–Marquardt

  /// Frees centres, widths (and η) and minimises χ² from the current (screened) parameters.
  ///
  /// Each iteration holds parameters that sit on a bound with the gradient pushing outwards
  /// (an active set), so a step never aims through a bound and gets clamped into an uphill one.
  /// Convergence is decided before any trial evaluation where possible: when the Gauss–Newton
  /// step over the free parameters predicts less than `tolerance`·S of improvement, the point is
  /// the (bounded) minimum and no further model evaluations are spent on proving it. The damping
  /// follows Nielsen's gain-ratio rule (shrinks smoothly on good steps, doubles its growth on
  /// rejected ones) rather than fixed factors of ten.
  ///
  /// S is the larger of χ² and the window's pixel count. With noise weights a step that changes
  /// χ² by Δ moves the parameters by √Δ of their σ whatever χ² itself is, so the tolerance means
  /// "a tenth of a σ" at 1e-4 and 100 pixels as documented. χ² of *smoothed* data sits well below
  /// the pixel count (about 17 on 100 pixels here: smoothing removes noise the weights still
  /// count), and a tolerance relative to χ² alone then asked for 0.04 σ and spent iterations on
  /// it. Where χ² is the larger (a poor fit, or no noise estimate) the test stays relative.
  func refine(
    maximumIterations: Int, tolerance: Double, holding weak: [Int] = [],
    below holdSignificance: Double = 0
  ) -> Outcome {
    var outcome = Outcome()
    let n = parameterCount
    let p = parameters.pointer
    let t = trial.pointer
    let lo = lower.pointer
    let hi = upper.pointer
    activeCount = 0
    for band in 0..<bandCount {
      let a = areaIndex(band)
      let screened = screenedArea(band)
      let negligible =
        weak.contains(band) && screened.sigma > 0
        && screened.area < holdSignificance * screened.sigma
      bandActive[band] = p[a] > 0 && !negligible
      if !bandActive[band] { p[a] = 0 }
    }
    activeBandCount = 0
    for k in 0..<n where k >= 3 * bandCount || bandActive[k / 3] {
      activeIndices[activeCount] = k
      activeCount += 1
    }
    for band in 0..<bandCount where bandActive[band] {
      activeBandList.pointer[activeBandCount] = Double(areaIndex(band))
      activeBandCount += 1
    }
    for k in 0..<n { p[k] = min(max(p[k], lo[k]), hi[k]) }
    var chi = evaluate(
      p, jacobian: jacobian.pointer, residual: residuals.pointer)
    guard chi.isFinite else {
      outcome.degenerate = true
      return outcome
    }
    formNormalEquations()
    // Damping relative to the diagonal to start with: 1e-2 keeps the first step from the
    // screen (centres and widths at their priors) close to Gauss–Newton's while sparing the
    // rejected first trials a smaller start cost.
    var lambda = 1e-2
    let pixels = Double(count)
    var growth = 2.0
    // No step taken yet: the first iteration goes straight to a damped step (from the screen's
    // start an undamped check never finds the minimum already reached).
    var lastImprovement = Double.infinity
    let s = step.pointer
    iterations: for iteration in 1...max(maximumIterations, 1) {
      outcome.iterations = iteration
      markBlockedParameters()
      // The undamped (Gauss–Newton) step's predicted improvement: if even that is negligible,
      // this is the minimum over the free parameters. Skipped while the last step still gained
      // more than ten times the tolerance (then the minimum is not near and the extra solve
      // would be wasted).
      if lastImprovement <= 10 * tolerance * max(chi, pixels), solveStep(lambda: 0) {
        let decrement = predictedImprovement()
        if decrement <= tolerance * max(chi, pixels) {
          outcome.converged = true
          break iterations
        }
      }
      while true {
        if solveStep(lambda: lambda) {
          let predicted = predictedImprovement()
          for k in 0..<n { t[k] = min(max(p[k] + s[k], lo[k]), hi[k]) }
          let trialChi = evaluate(
            t, jacobian: trialJacobian.pointer, residual: trialResiduals.pointer)
          if trialChi.isFinite, trialChi < chi {
            let improvement = chi - trialChi
            lastImprovement = improvement
            var largestStep = 0.0
            for k in 0..<n {
              let scale = hi[k].isFinite && lo[k].isFinite ? hi[k] - lo[k] : abs(p[k]) + 1e-300
              largestStep = max(largestStep, abs(t[k] - p[k]) / max(scale, 1e-300))
            }
            for k in 0..<n { p[k] = t[k] }
            swap(&jacobian, &trialJacobian)
            swap(&residuals, &trialResiduals)
            chi = trialChi
            formNormalEquations()
            let gain = predicted > 0 ? improvement / predicted : 1
            let factor = 1 - (2 * gain - 1) * (2 * gain - 1) * (2 * gain - 1)
            lambda = max(lambda * max(1.0 / 3, factor), 1e-12)
            growth = 2
            if improvement <= tolerance * max(chi, pixels) || largestStep < 1e-7 {
              outcome.converged = true
              break iterations
            }
            continue iterations
          }
        }
        lambda *= growth
        growth *= 2
        if lambda > 1e12 {
          // No descent direction left: a (bounded) minimum.
          outcome.converged = true
          break iterations
        }
      }
    }
    finishCovariance(&outcome)
    return outcome
  }

  /// Marks in `blocked` the parameters that sit on a bound while the gradient points past it;
  /// they are held fixed for this iteration's steps.
  private func markBlockedParameters() {
    let n = parameterCount
    let p = parameters.pointer
    let lo = lower.pointer
    let hi = upper.pointer
    let g = gradient.pointer
    for k in 0..<n {
      blocked[k] = (p[k] <= lo[k] && g[k] < 0) || (p[k] >= hi[k] && g[k] > 0)
    }
  }

  /// Solves (N + λ·diag)·s = g over the active, unblocked parameters into `step` (the others get
  /// 0). The system is gathered into a compact matrix first: the rows of inactive bands and of
  /// blocked parameters are decoupled, and factoring them would only add cost. False when the
  /// damped system is not positive definite.
  private func solveStep(lambda: Double) -> Bool {
    let n = parameterCount
    let nm = normal.pointer
    let dm = damped.pointer
    let f = factor.pointer
    let g = gradient.pointer
    let s = step.pointer
    let right = column.pointer
    var maximumDiagonal = 0.0
    for k in 0..<n { maximumDiagonal = max(maximumDiagonal, nm[k * n + k]) }
    let floor = max(maximumDiagonal * 1e-12, 1e-300)
    let index = solveIndices
    var m = 0
    activeIndices.withUnsafeBufferPointer { active in
      blocked.withUnsafeBufferPointer { held in
        for a in 0..<activeCount where !held[active[a]] {
          index[m] = active[a]
          m += 1
        }
      }
    }
    for k in 0..<n { s[k] = 0 }
    guard m > 0 else { return true }
    // The factorisation reads the lower triangle only.
    for a in 0..<m {
      let source = nm + index[a] * n
      let target = dm + a * m
      for b in 0...a { target[b] = source[index[b]] }
      let diagonal = source[index[a]]
      target[a] = diagonal + lambda * max(diagonal, floor)
      right[a] = g[index[a]]
    }
    guard DenseCholesky.factor(dm, n: m, into: f) else { return false }
    DenseCholesky.solve(factor: f, n: m, right)
    for a in 0..<m { s[index[a]] = right[a] }
    return true
  }

  /// Parameter indices of the compact system `solveStep` or `scaledInverse` factors (room for
  /// every parameter; freed with the fitter).
  private let solveIndices = UnsafeMutablePointer<Int>.allocate(capacity: 64)

  /// The improvement of χ² (plus priors) the local quadratic model predicts for `step`:
  /// 2·sᵀg − sᵀ·N·s.
  private func predictedImprovement() -> Double {
    let n = parameterCount
    let nm = normal.pointer
    let g = gradient.pointer
    let s = step.pointer
    var linear = 0.0
    var quadratic = 0.0
    for a in 0..<n where s[a] != 0 {
      linear += s[a] * g[a]
      var row = 0.0
      for b in 0..<n { row += nm[a * n + b] * s[b] }
      quadratic += s[a] * row
    }
    return 2 * linear - quadratic
  }

  /// Computes the covariance at the current parameters (normal equations must be current).
  private func finishCovariance(_ outcome: inout Outcome) {
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
  private func misfitCountedAtReferenceSpacing(_ reducedChiSquare: Double) -> Double {
    guard let reference = misfitReferenceSpacing, reducedChiSquare > 1, reducedChiSquare.isFinite,
      meanSpacing > 0
    else { return reducedChiSquare }
    return 1 + (reducedChiSquare - 1) * reference / meanSpacing
  }

  /// Inverts the `size`×`size` matrix in `normal` into `covariance` with Jacobi scaling; rows of
  /// parameters without leverage (per `freeMask` unless `allFree`) are left out of the inverted
  /// compact matrix and get NaN.
  private func scaledInverse(size n: Int, allFree: Bool) -> Bool {
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

  // MARK: Results

  /// Band `b` after `refine`, areas converted to counts (divided by the mean pixel spacing).
  func band(_ index: Int) -> FittedBand {
    let n = parameterCount
    let p = parameters.pointer
    let c = covariance.pointer
    let a = areaIndex(index)
    var band = FittedBand()
    guard bandActive[index] else {
      band.area = 0
      band.areaSigma = screenedArea(index).sigma
      band.centre = p[a + 1]
      band.fwhm = p[a + 2]
      return band
    }
    band.area = p[a] / meanSpacing
    band.areaSigma = sigma(c[a * n + a]) / meanSpacing
    band.centre = p[a + 1]
    band.centreSigma = sigma(c[(a + 1) * n + a + 1])
    band.fwhm = p[a + 2]
    band.fwhmSigma = sigma(c[(a + 2) * n + a + 2])
    return band
  }

  /// Covariance of two band areas, counts².
  func areaCovariance(_ first: Int, _ second: Int) -> Double {
    guard bandActive[first], bandActive[second] else { return 0 }
    let n = parameterCount
    let value = covariance.pointer[areaIndex(first) * n + areaIndex(second)]
    return value / (meanSpacing * meanSpacing)
  }

  /// The fitted (or fixed) Lorentzian share η.
  var fittedEta: Double { eta(parameters.pointer) }

  /// The fitted profile of band `b` at shift `x` in counts per pixel (for peak heights).
  func bandHeight(_ index: Int) -> Double {
    let p = parameters.pointer
    let a = areaIndex(index)
    return p[a] * PseudoVoigt.value(offset: 0, fwhm: p[a + 2], eta: eta(p))
  }

  /// Whether band `b`'s centre or width sits on a bound (within a small tolerance).
  func isAtBound(_ index: Int) -> Bool {
    let p = parameters.pointer
    let lo = lower.pointer
    let hi = upper.pointer
    let a = areaIndex(index)
    for k in (a + 1)...(a + 2) {
      let span = hi[k] - lo[k]
      if p[k] - lo[k] <= 1e-3 * span || hi[k] - p[k] <= 1e-3 * span { return true }
    }
    return false
  }

  @inline(__always) private func sigma(_ variance: Double) -> Double {
    variance.isFinite && variance >= 0 ? variance.squareRoot() : .nan
  }
}
