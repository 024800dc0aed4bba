// Fitted bands, their covariances and bounds, read after `refine`.
extension BandFitter {
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

  @inline(__always) func sigma(_ variance: Double) -> Double {
    variance.isFinite && variance >= 0 ? variance.squareRoot() : .nan
  }
}

extension BandFitter {
  /// The fitted model (every band and the local baseline) at point `i` of the window, in the
  /// data's units; used to find what the known bands leave unexplained.
  func modelValue(at i: Int) -> Double {
    guard let x, i >= 0, i < count else { return .nan }
    let p = parameters.pointer
    let shared = eta(p)
    var value = p[baselineIndex] + p[baselineIndex + 1] * unitAxis.pointer[i]
    for band in 0..<bandCount where bandActive[band] {
      let a = areaIndex(band)
      value += p[a] * PseudoVoigt.value(offset: x[i] - p[a + 1], fwhm: p[a + 2], eta: shared)
    }
    return value
  }
}
