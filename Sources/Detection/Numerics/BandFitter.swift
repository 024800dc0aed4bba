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
  let kernels: DetectorKernels
  let parameters = ScratchBuffer(capacity: 32)
  let trial = ScratchBuffer(capacity: 32)
  let lower = ScratchBuffer(capacity: 32)
  let upper = ScratchBuffer(capacity: 32)
  let row = ScratchBuffer(capacity: 32)
  let normal = ScratchBuffer(capacity: 1024)
  let damped = ScratchBuffer(capacity: 1024)
  let factor = ScratchBuffer(capacity: 1024)
  let gradient = ScratchBuffer(capacity: 32)
  let step = ScratchBuffer(capacity: 32)
  let covariance = ScratchBuffer(capacity: 1024)
  let scale = ScratchBuffer(capacity: 32)
  let column = ScratchBuffer(capacity: 32)
  let inverseScratch = ScratchBuffer(capacity: 1024)
  let priorMean = ScratchBuffer(capacity: 32)
  let priorPrecision = ScratchBuffer(capacity: 32)
  let noiseScratch = ScratchBuffer(capacity: 256)
  let noiseSelectionScratch = ScratchBuffer(capacity: 256)
  /// √weight·J and √weight·r at the current parameters, and at the trial step (swapped on accept).
  var jacobian = ScratchBuffer(capacity: 4096)
  var residuals = ScratchBuffer(capacity: 256)
  var trialJacobian = ScratchBuffer(capacity: 4096)
  var trialResiduals = ScratchBuffer(capacity: 256)
  /// Model values (unweighted) at the screened or refined parameters, for the residual variance.
  let modelValues = ScratchBuffer(capacity: 256)
  /// Σ √weight·area·∂pV/∂η per pixel while evaluating, when η is fixed (no η column to hold it).
  let etaScratch = ScratchBuffer(capacity: 256)
  /// Unit profiles of every band at its prior centre and width (band-major, `count` per band):
  /// the linear screen's design matrix. It depends only on the axis, the priors and η, so it is
  /// kept while those stay the same (every spectrum of one instrument) and rebuilt otherwise.
  let screenProfiles = ScratchBuffer(capacity: 1024)
  /// The axis, prior centres and widths, and η the cached `screenProfiles` were built for.
  let profileAxis = ScratchBuffer(capacity: 256)
  let profileKey = ScratchBuffer(capacity: 32)
  var profileCount = -1
  /// First and one-past-last nonzero index of each row of `screenProfiles`.
  var support = [Int](repeating: 0, count: 2 * (maximumBands + 2))
  /// Unweighted Gram matrix of `screenProfiles`, valid while the profiles are.
  let screenGram = ScratchBuffer(capacity: 256)
  var screenGramValid = false
  /// JᵀJ and Jᵀr over the active parameters only, before scattering into `normal`/`gradient`.
  let compact = ScratchBuffer(capacity: 1024)
  let compactRight = ScratchBuffer(capacity: 32)
  /// Area indices of the active bands, in order.
  let activeBandList = ScratchBuffer(capacity: 16)
  var activeBandCount = 0
  /// (x − window centre) / half-span and √weight per pixel of the window.
  let unitAxis = ScratchBuffer(capacity: 256)
  let rootWeights = ScratchBuffer(capacity: 256)
  /// Weight of every data point, 1/σ²_noise, from `estimateNoise`.
  var dataWeight = 1.0
  /// Robust noise σ of the raw window data (second differences), counts per pixel.
  var noiseSigma = Double.nan

  var bandCount = 0
  var fitsEta = false
  var fixedEta = 0.5
  var centre = 0.0
  var halfSpan = 1.0
  var meanSpacing = 1.0
  var parameterCount = 0
  var freeMask = (0...63).map { _ in true }
  /// Parameters held on their bound during one LM iteration (see `markBlockedParameters`).
  var blocked = [Bool](repeating: false, count: 64)
  /// Bands taking part in the nonlinear fit (the others are held at zero area).
  var bandActive = [Bool](repeating: true, count: maximumBands)
  /// Parameter indices of the active bands, η and the baseline, fixed for one `refine`.
  var activeIndices = [Int](repeating: 0, count: 3 * maximumBands + 3)
  var activeCount = 0

  /// Index of band `b`'s area, centre and FWHM in the parameter vector.
  @inline(__always) func areaIndex(_ band: Int) -> Int { 3 * band }
  @inline(__always) var etaIndex: Int { 3 * bandCount }
  @inline(__always) var baselineIndex: Int { 3 * bandCount + (fitsEta ? 1 : 0) }

  /// Data of the current window, set by `prepare`.
  var x: UnsafePointer<Double>?
  var y: UnsafePointer<Double>?
  var raw: UnsafePointer<Double>?
  var weights: UnsafePointer<Double>?
  var count = 0

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

  static func precision(_ sigma: Double) -> Double {
    sigma.isFinite && sigma > 0 ? 1 / (sigma * sigma) : 0
  }

  /// Noise σ from the median absolute second difference of the raw data (a model-free estimate:
  /// for white noise Δ²y has variance 6σ²; smooth bands barely contribute at these widths).
  func estimateNoise(_ raw: UnsafePointer<Double>, count n: Int) {
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
  @inline(__always) func priorPenalty(_ p: UnsafePointer<Double>) -> Double {
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

  @inline(__always) func eta(_ p: UnsafePointer<Double>) -> Double {
    fitsEta ? p[etaIndex] : fixedEta
  }

  @inline(__always) func weight(_ i: Int) -> Double { weights?[i] ?? dataWeight }

  /// Evaluates the model at `p` over the window and returns the weighted χ² plus the prior
  /// penalty. Fills `jacobian` (parameter-major: `activeCount` columns of `count`, in `activeIndices`
  /// order) and `residual`, both scaled by √weight, so the normal equations are JᵀJ and Jᵀr.
  /// Computing the Jacobian with the trial χ² means an accepted step needs no second pass.
  ///
  /// The profile loop (`bandColumns`) only writes each band's columns; the weighted model is
  /// summed from the area columns afterwards, and the unweighted model (needed only for the final
  /// residual variance) is rebuilt once per fit by `fillModel`.
  func evaluate(
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
  func fillModel() {
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
  func formNormalEquations() {
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

  // Stored state of the screen and the refinement, kept here because extensions cannot hold it.
  var screenAreaCovariance = [Double](
    repeating: .nan, count: maximumBands * maximumBands)

  /// Weighted residual sum of squares per degree of freedom of the last screen or refine.
  var lastReducedChiSquare = Double.nan

  /// RMS residual against the raw data of the last screen or refine.
  var lastResidualRMS = Double.nan

  /// Parameter indices of the compact system `solveStep` or `scaledInverse` factors (room for
  /// every parameter; freed with the fitter).
  let solveIndices = UnsafeMutablePointer<Int>.allocate(capacity: 64)
}
