/// Anchor bands and the priors placed relative to them (see `RamanPhaseRules`).
extension RamanPipeline {
  /// Robust noise σ per pixel from the median absolute second difference of the corrected data.
  func estimatePixelNoise(count n: Int) {
    guard n >= 5 else {
      pixelNoise = noiseFloor
      return
    }
    let c = corrected.pointer
    let d = scratchA.pointer
    for i in 1..<(n - 1) { d[i - 1] = abs(c[i + 1] - 2 * c[i] + c[i - 1]) }
    let mad = Selection.median(d, count: n - 2, scratch: scratchB.pointer)
    pixelNoise = max(mad / 0.6745 / 6.0.squareRoot(), noiseFloor)
  }

  /// Finds the anchor candidate of every anchor window, each narrowed to the tolerated offset
  /// (`RamanPhaseRules.anchorWindow`) but never inside the centre ranges of its bands.
  func findAnchors() {
    let s = settings
    let rules = s.phases
    let tolerance = toleratedOffset
    func window(_ configured: ClosedRange<Double>, _ a: BandPrior, _ b: BandPrior? = nil)
      -> ClosedRange<Double>
    {
      let low = min(a.centreRange.lowerBound, b?.centreRange.lowerBound ?? .infinity)
      let high = max(a.centreRange.upperBound, b?.centreRange.upperBound ?? -.infinity)
      return rules.anchorWindow(configured, keeping: low...high, tolerance: tolerance)
    }
    anchors = RamanAnchors()
    anchors.oxalateCC = strongestBand(
      in: window(rules.oxalateCCWindow, s.whewelliteCC, s.weddelliteCC))
    anchors.nu1 = strongestBand(in: window(rules.phosphateNu1Window, s.hap, s.whitlockite))
    anchors.brushite = strongestBand(in: window(rules.brushiteWindow, s.brushite))
    anchors.calcite = strongestBand(in: window(rules.calciteWindow, s.calcite))
    anchors.oxalateCO = strongestBand(
      in: window(rules.oxalateCOWindow, s.whewellite1463, s.whewellite1490))
  }

  /// The most prominent local maximum of the smoothed spectrum inside `window`, when its
  /// prominence is at least `threshold` (default `minimumPeakToNoise`) × the pixel noise.
  private func strongestBand(in window: ClosedRange<Double>, threshold: Double? = nil)
    -> AnchorBand
  {
    let range = indexRange(from: window.lowerBound, to: window.upperBound)
    guard range.count >= 3, roiCount > 1 else { return AnchorBand() }
    let x = axis.pointer
    let s = smoothed.pointer
    let spacing = abs(x[roiCount - 1] - x[0]) / Double(roiCount - 1)
    let k = max(Int((12 / spacing).rounded()), 2)
    var best = AnchorBand()
    var bestIndex = -1
    for i in (range.lowerBound + 1)..<(range.upperBound - 1)
    where s[i] >= s[i - 1] && s[i] > s[i + 1] {
      let prominence = s[i] - 0.5 * (s[max(i - k, 0)] + s[min(i + k, roiCount - 1)])
      if prominence > best.height {
        best.height = prominence
        bestIndex = i
      }
    }
    let minimum = threshold ?? settings.decision.minimumPeakToNoise
    guard bestIndex > 0, best.height >= minimum * pixelNoise else {
      return AnchorBand()
    }
    let a = s[bestIndex - 1]
    let b = s[bestIndex]
    let c = s[bestIndex + 1]
    let curvature = a - 2 * b + c
    let step = curvature < 0 ? min(max(0.5 * (a - c) / curvature, -0.5), 0.5) : 0
    best.position = x[bestIndex] + step * (x[bestIndex + 1] - x[bestIndex - 1]) / 2
    best.peakToNoise = best.height / pixelNoise
    return best
  }

  /// The taller local maximum `doubletMinimumSeparation…doubletMaximumSeparation` either side of
  /// `anchor` whose prominence is at least `doubletMinimumShare` of the anchor's.
  private func doubletPartner(of anchor: AnchorBand) -> AnchorBand {
    let rules = settings.phases
    let near = rules.doubletMinimumSeparation
    let far = rules.doubletMaximumSeparation
    let above = strongestBand(in: (anchor.position + near)...(anchor.position + far))
    let below = strongestBand(in: (anchor.position - far)...(anchor.position - near))
    let partner = above.height >= below.height ? above : below
    guard partner.found, partner.height >= rules.doubletMinimumShare * anchor.height else {
      return AnchorBand()
    }
    return partner
  }

  /// Indices (within the processing range) whose shift lies in `lower...upper`.
  func indexRange(from lower: Double, to upper: Double) -> Range<Int> {
    let x = axis.pointer
    let n = roiCount
    guard n > 1, x[n - 1] > x[0] else {
      var first = -1
      var last = -1
      for i in 0..<n where x[i] >= lower && x[i] <= upper {
        if first < 0 { first = i }
        last = i
      }
      return first < 0 ? 0..<0 : first..<(last + 1)
    }
    func firstIndex(atLeast value: Double) -> Int {
      var low = 0
      var high = n
      while low < high {
        let middle = (low + high) / 2
        if x[middle] < value { low = middle + 1 } else { high = middle }
      }
      return low
    }
    let first = firstIndex(atLeast: lower)
    var end = first
    while end < n, x[end] <= upper { end += 1 }
    return first..<end
  }

  /// The fit range `position − below … position + above`.
  func anchorRange(around position: Double, below: Double, above: Double) -> Range<Int> {
    indexRange(from: position - below, to: position + above)
  }

  /// Whether the brushite companion's prior range lies inside the processed spectrum.
  func companionInRange() -> Bool {
    let x = axis.pointer
    let low = min(x[0], x[roiCount - 1])
    return low <= brushitePriors[0].centreRange.lowerBound
  }

  /// Places the identifying bands relative to the anchors found in this spectrum: HPO₄ and ν3
  /// moved by the axis offset the measured ν1 implies, calcite and the oxalate bands on their anchors, brushite's
  /// companion relative to brushite ν1. Without an anchor a prior keeps its literature value.
  /// Array elements are replaced in place, so this does not allocate.
  func placeAnchoredPriors() {
    let s = settings
    let rules = s.phases
    if anchors.nu1.found {
      // Tissue and carbonate bands follow the smallest axis offset the ν1 anchor implies: none
      // while it lies between the apatite and whitlockite references (composition explains
      // it), else its distance from the nearer one.
      var offset =
        min(anchors.nu1.position - s.hap.centre, 0)
        + max(anchors.nu1.position - s.whitlockite.centre, 0)
      // A ν1 below the apatite or above the whitlockite reference starts (and is centred) on the
      // anchor, so the fit does not begin beside the band and hand it to ACP.
      let p = anchors.nu1.position
      phosphatePriors[1] =
        p < s.hap.centre && p > s.hap.centreRange.lowerBound
        ? s.hap.moved(to: p) : s.hap
      phosphatePriors[2] =
        p > s.whitlockite.centre && p < s.whitlockite.centreRange.upperBound
        ? s.whitlockite.moved(to: p) : s.whitlockite
      // A second ν1 maximum at a doublet's distance (merrillite's 960/976) holds the two
      // components on the two maxima wherever an axis offset puts them.
      let partner = doubletPartner(of: anchors.nu1)
      if partner.found {
        let lower = min(p, partner.position)
        let upper = max(p, partner.position)
        phosphatePriors[1] = s.hap.centred(at: lower, halfWidth: rules.doubletHalfWidth)
        phosphatePriors[2] = s.whitlockite.centred(at: upper, halfWidth: rules.doubletHalfWidth)
        offset = lower - s.merrillite.centre
      }
      phosphatePriors[3] = s.phenylalanine.shifted(by: offset)
      // The anchor is the tallest point of a blend, not whitlockite's own ν1, so the weak HPO₄
      // band is searched for (its range moved by the offset and widened by the tolerance) and
      // the fit starts on the local maximum found; a fit started beside a weak band drops it.
      let expected = s.hpo4.shifted(by: offset)
      anchors.hpo4 = strongestBand(
        in: expected.widened(by: toleratedOffset).centreRange,
        threshold: rules.evidenceSignificance)
      phosphatePriors[4] =
        anchors.hpo4.found
        ? expected.centred(at: anchors.hpo4.position, halfWidth: rules.hpo4SearchHalfWidth)
        : expected
      carbonatePriors[0] = s.phenylalanine1032.shifted(by: offset)
      // The smallest offset can be up to the tolerance short of the real one (the ν1 position
      // also depends on composition): ν3's range is widened by half the tolerance.
      carbonatePriors[1] = s.phosphateNu3.shifted(by: offset).widened(
        by: toleratedOffset / 2)
      carbonatePriors[2] = s.carbonate.shifted(by: offset)
    } else {
      phosphatePriors[1] = s.hap
      phosphatePriors[2] = s.whitlockite
      phosphatePriors[3] = s.phenylalanine
      phosphatePriors[4] = s.hpo4
      carbonatePriors[0] = s.phenylalanine1032
      carbonatePriors[1] = s.phosphateNu3
      carbonatePriors[2] = s.carbonate
    }
    carbonatePriors[3] =
      anchors.calcite.found ? s.calcite.centred(at: anchors.calcite.position) : s.calcite
    if anchors.oxalateCO.found {
      let q = anchors.oxalateCO.position
      let separation = rules.monohydrateDoubletSeparation
      let tolerance = rules.monohydrateDoubletTolerance
      oxalatePriors[1] = s.whewellite1463.centred(at: q - separation, halfWidth: tolerance)
      oxalatePriors[2] = s.weddellite1476.centred(at: q)
      oxalatePriors[3] = s.whewellite1490.centred(at: q + separation, halfWidth: tolerance)
    } else {
      oxalatePriors[1] = s.whewellite1463
      oxalatePriors[2] = s.weddellite1476
      oxalatePriors[3] = s.whewellite1490
    }
    if anchors.oxalateCC.found {
      oxalateCCPriors[0] = s.whewelliteCC.centred(at: anchors.oxalateCC.position)
    }
    if anchors.brushite.found {
      let p = anchors.brushite.position
      brushitePriors[1] = s.brushite.centred(at: p)
      brushitePriors[0] = s.brushiteCompanion.shifted(by: p - s.brushite.centre)
    }
  }
}

extension BandPrior {
  /// The prior moved by `offset` cm⁻¹ (centre and range).
  func shifted(by offset: Double) -> BandPrior {
    BandPrior(
      name: name, centre: centre + offset,
      centreRange: (centreRange.lowerBound + offset)...(centreRange.upperBound + offset),
      fwhm: fwhm, fwhmRange: fwhmRange, centreSigma: centreSigma, fwhmSigma: fwhmSigma)
  }

  /// The prior with its centre range widened by `margin` cm⁻¹ on each side.
  func widened(by margin: Double) -> BandPrior {
    BandPrior(
      name: name, centre: centre,
      centreRange: (centreRange.lowerBound - margin)...(centreRange.upperBound + margin),
      fwhm: fwhm, fwhmRange: fwhmRange, centreSigma: centreSigma, fwhmSigma: fwhmSigma)
  }

  /// The prior with its start and Gaussian mean at `position`, its range unchanged.
  func moved(to position: Double) -> BandPrior {
    BandPrior(
      name: name, centre: position, centreRange: centreRange, fwhm: fwhm, fwhmRange: fwhmRange,
      centreSigma: centreSigma, fwhmSigma: fwhmSigma)
  }

  /// The prior centred on `position`, its range that far either side (default: half its own).
  func centred(at position: Double, halfWidth: Double? = nil) -> BandPrior {
    let half = halfWidth ?? (centreRange.upperBound - centreRange.lowerBound) / 2
    return BandPrior(
      name: name, centre: position, centreRange: (position - half)...(position + half),
      fwhm: fwhm, fwhmRange: fwhmRange, centreSigma: centreSigma, fwhmSigma: fwhmSigma)
  }
}
