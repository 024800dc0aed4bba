import SpectralKernels

/// Collagen and lipid bands measured from their companions and taken out of the phosphate and
/// carbonate windows before those are searched and fitted (see `RamanTissueModel`).
extension RamanPipeline {
  /// Fits the collagen (855, 876) and lipid (1128) companions and subtracts the collagen 921/938
  /// and lipid 1063/1080 bands they predict from the corrected and smoothed spectrum.
  func removeTissueBands(_ result: inout RamanAnalysis) {
    let model = settings.tissue
    guard model.enabled, roiCount > 1 else { return }
    var measurement = TissueMeasurement()
    let collagenRange = indexRange(
      from: model.collagenWindow.lowerBound, to: model.collagenWindow.upperBound)
    // The companions are measured by the linear screen (literature centres and widths, a
    // matched filter): a free fit of two overlapping bands on a local baseline trades width,
    // area and baseline, and its areas scattered by a factor of two on simulated tissue.
    let collagenReport = fitWindow(
      collagenRange, priors: tissueCollagenPriors, trigger: 0...1, group: 0...1,
      fitter: collagenFitter, mayRefine: false)
    if !collagenReport.degenerate {
      let refined = collagenReport.refined
      measurement.collagen855 = collagenFitter.bandOrScreen(0, refined: refined)
      measurement.collagen876 = collagenFitter.bandOrScreen(1, refined: refined)
      let low = measurement.collagen855
      let high = measurement.collagen876
      let area = max(low.area, 0) + max(high.area, 0)
      let sigma = (low.areaSigma * low.areaSigma + high.areaSigma * high.areaSigma).squareRoot()
      let pairRatio = high.area / low.area
      // A companion on a bound of its centre or width is another band's flank (an oxalate's
      // 896 C–C), not collagen.
      let placed = !refined || (!collagenFitter.isAtBound(0) && !collagenFitter.isAtBound(1))
      if sigma.isFinite, sigma > 0, area >= model.minimumSignificance * sigma, low.area > 0,
        model.collagenPairRatioRange.contains(pairRatio), placed
      {
        measurement.collagenFound = true
        measurement.collagenOffset =
          refined
          ? companionOffset(
            (low, model.collagen855.centre), (high, model.collagen876.centre)) : 0
        measurement.collagen921Area = model.collagen921Ratio * area
        measurement.collagen938Area = model.collagen938Ratio * area
        let eta = refined ? collagenFitter.fittedEta : settings.fitting.lorentzianFraction
        subtract(
          area: measurement.collagen921Area,
          centre: model.collagen921.centre + measurement.collagenOffset,
          fwhm: model.collagen921.fwhm, eta: eta)
        subtract(
          area: measurement.collagen938Area,
          centre: model.collagen938.centre + measurement.collagenOffset,
          fwhm: model.collagen938.fwhm, eta: eta)
      }
    }
    let lipidRange = indexRange(
      from: model.lipidWindow.lowerBound, to: model.lipidWindow.upperBound)
    let lipidReport = fitWindow(
      lipidRange, priors: tissueLipidPriors, trigger: 0...0, group: 0...0, fitter: lipidFitter,
      mayRefine: false)
    if !lipidReport.degenerate {
      let refined = lipidReport.refined
      let band = lipidFitter.bandOrScreen(0, refined: refined)
      measurement.lipid1128 = band
      if band.significance >= model.minimumSignificance, !refined || !lipidFitter.isAtBound(0) {
        measurement.lipidFound = true
        measurement.lipidOffset =
          refined && band.centre.isFinite ? band.centre - model.lipid1128.centre : 0
        measurement.lipid1063Area = model.lipid1063Ratio * band.area
        measurement.lipid1080Area = model.lipid1080Ratio * band.area
        let eta = refined ? lipidFitter.fittedEta : settings.fitting.lorentzianFraction
        subtract(
          area: measurement.lipid1063Area,
          centre: model.lipid1063.centre + measurement.lipidOffset, fwhm: model.lipid1063.fwhm,
          eta: eta)
        subtract(
          area: measurement.lipid1080Area,
          centre: model.lipid1080.centre + measurement.lipidOffset, fwhm: model.lipid1080.fwhm,
          eta: eta)
      }
    }
    result.tissue = measurement
  }

  /// The area-weighted axis offset of two fitted companion bands from their references (0 when
  /// neither has a centre).
  private func companionOffset(
    _ first: (band: FittedBand, reference: Double), _ second: (band: FittedBand, reference: Double)
  ) -> Double {
    var sum = 0.0
    var weight = 0.0
    func add(_ band: FittedBand, _ reference: Double) {
      guard band.centre.isFinite, band.area.isFinite, band.area > 0 else { return }
      sum += band.area * (band.centre - reference)
      weight += band.area
    }
    add(first.band, first.reference)
    add(second.band, second.reference)
    return weight > 0 ? sum / weight : 0
  }

  /// Takes a pseudo-Voigt band of `area` counts off the corrected and smoothed spectrum.
  private func subtract(area: Double, centre: Double, fwhm: Double, eta: Double) {
    guard area > 0, area.isFinite, centre.isFinite else { return }
    let x = axis.pointer
    let c = corrected.pointer
    let s = smoothed.pointer
    let n = roiCount
    let spacing = abs(x[n - 1] - x[0]) / Double(n - 1)
    let reach = 12 * fwhm
    for i in indexRange(from: centre - reach, to: centre + reach) {
      let value = area * spacing * PseudoVoigt.value(offset: x[i] - centre, fwhm: fwhm, eta: eta)
      c[i] -= value
      s[i] -= value
    }
  }

  /// Adds the tissue prediction's spread to the σ of the bands the predicted tissue bands lie
  /// on, so evidence is counted only beyond what the tissue explains.
  /// `phosphateWindow` picks the phosphate window's bands (HPO₄, ACP), else the carbonate
  /// window's (ν3, carbonate, calcite).
  func addTissueSpread(_ result: inout RamanAnalysis, phosphateWindow: Bool) {
    let model = settings.tissue
    let t = result.tissue
    func widen(_ band: inout FittedBand, by systematic: Double) {
      guard systematic > 0, band.areaSigma.isFinite else { return }
      band.areaSigma = (band.areaSigma * band.areaSigma + systematic * systematic).squareRoot()
    }
    if phosphateWindow, t.collagenFound {
      widen(&result.hpo4, by: model.collagenRatioSpread * t.collagen921Area)
      widen(&result.acp, by: model.collagenRatioSpread * t.collagen938Area)
    }
    if !phosphateWindow, t.lipidFound {
      widen(&result.phosphateNu3, by: model.lipidRatioSpread * t.lipid1063Area)
      widen(
        &result.carbonate, by: model.lipidRatioSpread * (t.lipid1063Area + t.lipid1080Area))
      widen(&result.calcite, by: model.lipidRatioSpread * t.lipid1080Area)
    }
  }
}
