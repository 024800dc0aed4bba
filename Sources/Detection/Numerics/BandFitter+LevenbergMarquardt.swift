// The bounded Levenberg–Marquardt refinement of centres, widths and η.
extension BandFitter {
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
  func markBlockedParameters() {
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
  func solveStep(lambda: Double) -> Bool {
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

  /// The improvement of χ² (plus priors) the local quadratic model predicts for `step`:
  /// 2·sᵀg − sᵀ·N·s.
  func predictedImprovement() -> Double {
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
}
