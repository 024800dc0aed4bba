/// Naming the phases of one spectrum from its fitted bands (see `RamanPhaseRules`).
extension RamanPipeline {
  /// A called family and the prominence of its anchor, to pick the spectrum's name.
  private struct Candidate {
    var phase = MineralPhase.none
    var height = -1.0

    mutating func consider(_ phase: MineralPhase, height: Double) {
      if height > self.height {
        self.phase = phase
        self.height = height
      }
    }
  }

  /// Whether an anchor is there and not a trace beside a dominant phase.
  func dominant(_ anchor: AnchorBand) -> Bool {
    anchor.found && anchor.height >= settings.phases.minimumAnchorShare * anchors.tallestHeight
  }

  /// Calls every phase with its evidence, the fraction, the spectrum's name and the offset.
  func callPhases(_ result: inout RamanAnalysis) {
    var candidate = Candidate()
    var loneBand = false
    if result.phosphateDetected {
      if let phase = callPhosphate(&result) {
        candidate.consider(phase, height: anchors.nu1.height)
      } else {
        withdrawLoneBand(&result)
        loneBand = true
      }
    }
    if !loneBand { callACP(&result, candidate: &candidate) }
    if callBrushite(&result) { candidate.consider(.brushite, height: anchors.brushite.height) }
    if let hydrate = callOxalate(&result) {
      candidate.consider(
        hydrate, height: max(anchors.oxalateCC.height, anchors.oxalateCO.height))
    }
    if callCalcite(&result) { candidate.consider(.calcite, height: anchors.calcite.height) }
    result.phase = candidate.phase
    switch candidate.phase {
    case .whitlockite, .merrillite, .apatite, .phosphateUndetermined, .acp, .brushite:
      result.calcificationType = .phosphate
    case .oxalateMonohydrate, .oxalateDihydrate, .oxalate:
      result.calcificationType = .oxalate
    case .calcite:
      result.calcificationType = .carbonateOnly
    case .none:
      result.calcificationType = result.carbonateDetected ? .carbonateOnly : .none
    }
    measureOffset(&result)
  }

  /// Apatite, whitlockite or merrillite, and the whitlockite(-group) fraction; nil for a lone
  /// band (no phosphate), `phosphate-undetermined` without a fraction where the known phases
  /// leave a band unexplained (see `RamanPhaseRules.companionMinimumShare` and
  /// `residualBandSignificance`).
  private func callPhosphate(_ result: inout RamanAnalysis) -> MineralPhase? {
    let rules = settings.phases
    let total = result.phosphateArea
    let hap = result.hap
    let wh = result.whitlockite
    // A band pinned to a bound of its centre or width is background shape, not a band, unless
    // its area is significant on its own.
    var hpo4 = result.hpo4
    if anchors.hpo4AtBound, hpo4.significance < rules.evidenceSignificance { hpo4.area = 0 }
    var nu3 = result.phosphateNu3
    if anchors.nu3AtBound { nu3.area = 0 }
    let hpo4Present = hpo4.significance >= rules.evidenceSignificance
    let nu3Present = nu3.significance >= rules.evidenceSignificance
    let doublet =
      wh.centre - hap.centre >= rules.doubletMinimumSeparation
      && min(hap.area, wh.area) >= rules.doubletMinimumShare * total
      && hap.significance >= rules.evidenceSignificance
      && wh.significance >= rules.evidenceSignificance
    let merrillite = doublet && !hpo4Present
    // A doublet without HPO₄ is merrillite's 960/976 or a resolved apatite + whitlockite pair.
    // It counts as whitlockite-group evidence only where HPO₄ is shown to be absent: its area
    // plus `evidenceSignificance` σ below the share the upper component would carry if it were
    // whitlockite ν1. Otherwise (a noisy HPO₄ region) the two components' areas measure the
    // fraction as for any resolved pair.
    let hpo4Absent =
      hpo4.areaSigma.isFinite
      && max(hpo4.area, 0) + rules.evidenceSignificance * hpo4.areaSigma
        < rules.whitlockiteHPO4Ratio * max(wh.area, 0)
    let merrilliteEvidence = merrillite && hpo4Absent

    // Evidence estimate: identifying band areas over their expected share of ν1. Apatite's ν3
    // group reaches 1032, where tissue phenylalanine also sits; only the 1032 area beyond
    // `phenylalanine1032Ratio` × the 1003 band counts for apatite.
    let whitlockiteScale = rules.whitlockiteHPO4Ratio * total
    let apatiteScale = rules.apatiteNu3Ratio * total
    // Where collagen's 921 band was subtracted, HPO₄ counts only beyond the prediction's spread
    // (what collagen may still explain), so a collagen residual does not read as whitlockite.
    let collagenResidual =
      result.tissue.collagenFound
      ? settings.tissue.collagenRatioSpread * result.tissue.collagen921Area : 0
    let rhoW = max(hpo4.area - collagenResidual, 0) / whitlockiteScale
    let sigmaW = hpo4.areaSigma / whitlockiteScale
    var apatiteArea = max(nu3.area, 0)
    var apatiteVariance = nu3.areaSigma * nu3.areaSigma
    let phe1032 = result.phenylalanine1032
    let phe1003 = result.phenylalanine
    if phe1032.area.isFinite, phe1032.areaSigma.isFinite {
      let tissue = rules.phenylalanine1032Ratio * (phe1003.area.isFinite ? max(phe1003.area, 0) : 0)
      apatiteArea += max(phe1032.area - tissue, 0)
      apatiteVariance += phe1032.areaSigma * phe1032.areaSigma
    }
    let rhoA = apatiteArea / apatiteScale
    let sigmaA = apatiteVariance.squareRoot() / apatiteScale
    // Open set, lone band: the companions' summed share shown below what any phosphate has.
    // Their fitted areas count even where a band ended on a bound (a misplaced band is still
    // not a missing one).
    let rawHPO4 = result.hpo4.area.isFinite ? max(result.hpo4.area, 0) : 0
    let rawNu3 = result.phosphateNu3.area.isFinite ? max(result.phosphateNu3.area, 0) : 0
    let share =
      rawHPO4 / whitlockiteScale + (rawNu3 + apatiteArea - max(nu3.area, 0)) / apatiteScale
    let shareSigma = (sigmaW * sigmaW + sigmaA * sigmaA).squareRoot()
    if share.isFinite, shareSigma.isFinite {
      result.openSet.companionShare = share
      result.openSet.companionShareSigma = shareSigma
      // Shown missing: below the minimum share, and the share any phosphate has (about 1)
      // `companionExclusionSigma` σ above it.
      if !doublet, share < rules.companionMinimumShare,
        share + rules.companionExclusionSigma * shareSigma < 1
      {
        result.openSet.loneBand = true
        return nil
      }
      // Companions far stronger than any known phase's (HPO₄ at half of ν1 is not whitlockite's
      // 5–11 %): the pattern does not fit; the excessive band is named.
      if share - rules.evidenceSignificance * shareSigma > rules.companionMaximumShare {
        var band = ResidualBand()
        let hpo4Heavy = rawHPO4 / whitlockiteScale >= rawNu3 / apatiteScale
        let excessive = hpo4Heavy ? result.hpo4 : result.phosphateNu3
        band.centre = excessive.centre
        band.area = excessive.area
        band.significance = excessive.significance
        band.share = excessive.area / total
        result.openSet.add(band)
        result.openSet.patternFits = false
      }
    }
    findResidualBands(&result)
    var estimateSum = 0.0
    var weightSum = 0.0
    let significant =
      rhoW >= rules.evidenceSignificance * sigmaW || rhoA >= rules.evidenceSignificance * sigmaA
      || merrilliteEvidence
    let rhoM = merrilliteEvidence ? 1.0 : 0
    let sigmaM = merrilliteEvidence ? rules.resolvedDoubletSigma : 0
    let sum = rhoW + rhoA + rhoM
    if sum.isFinite, sum > 0, sigmaW.isFinite, sigmaA.isFinite {
      let f = (rhoW + rhoM) / sum
      let sigmaWM2 = sigmaW * sigmaW + sigmaM * sigmaM
      let statistical =
        (rhoA * rhoA * sigmaWM2 + (rhoW + rhoM) * (rhoW + rhoM) * sigmaA * sigmaA)
        / (sum * sum * sum * sum)
      let systematic = rules.evidenceRatioSpread * f * (1 - f)
      let variance = max(statistical + systematic * systematic, 1e-8)
      if significant {
        result.evidenceFraction = f
        result.evidenceFractionSigma = variance.squareRoot()
      }
      estimateSum += f / variance
      weightSum += 1 / variance
    }
    // The position estimate cannot see an axis offset (apatite read on an axis 4–8 cm⁻¹ high
    // sits where whitlockite would), so it enters only where no identifying band is
    // significant, or where the two components are a resolved doublet whose areas measure the
    // fraction themselves; it carries its systematic σ.
    if !merrilliteEvidence, !significant || doublet, let f = result.positionFraction,
      let fitSigma = result.positionFractionSigma
    {
      let systematic = doublet ? rules.resolvedDoubletSigma : rules.positionFractionSigma
      let variance = max(fitSigma * fitSigma + systematic * systematic, 1e-8)
      result.positionFractionSigma = variance.squareRoot()
      estimateSum += f / variance
      weightSum += 1 / variance
    }
    if weightSum > 0 {
      let fraction = min(max(estimateSum / weightSum, 0), 1)
      let sigma = (1 / weightSum).squareRoot()
      result.whitlockiteFraction = fraction
      result.whitlockiteFractionSigma = sigma
      if sigma > settings.decision.maximumFractionSigma { result.flags.insert(.lowSNR) }
    }

    result.phases.whitlockite = evidence(hpo4, centre: wh.centre, present: hpo4Present)
    var apatiteEvidence = evidence(nu3, centre: hap.centre, present: nu3Present)
    apatiteEvidence.area = apatiteArea
    apatiteEvidence.areaSigma = apatiteVariance.squareRoot()
    apatiteEvidence.present = apatiteEvidence.significance >= rules.evidenceSignificance
    result.phases.apatite = apatiteEvidence
    if doublet {
      let minor = hap.area < wh.area ? hap : wh
      result.phases.merrillite = evidence(minor, centre: hap.centre, present: merrillite)
    }
    let phase: MineralPhase
    if merrillite {
      phase = .merrillite
    } else if let f = result.evidenceFraction {
      phase = f >= 0.5 ? .whitlockite : .apatite
    } else {
      phase = .phosphateUndetermined
    }
    if !result.openSet.patternFits {
      // Open set, full pattern: a band no known phase explains; no phase, no fraction.
      result.whitlockiteFraction = nil
      result.whitlockiteFractionSigma = nil
      result.flags.insert(.unassignedBand)
      return .phosphateUndetermined
    }
    if phase == .whitlockite { result.phases.whitlockite.present = true }
    if phase == .apatite { result.phases.apatite.present = true }
    return phase
  }

  private func evidence(_ band: FittedBand, centre: Double, present: Bool) -> PhaseEvidence {
    var entry = PhaseEvidence()
    entry.area = band.area
    entry.areaSigma = band.areaSigma
    entry.centre = centre
    entry.present = present
    return entry
  }

  /// Amorphous calcium phosphate: a significant broad band beside (or instead of) ν1.
  private func callACP(_ result: inout RamanAnalysis, candidate: inout Candidate) {
    let acp = result.acp
    let decision = settings.decision
    guard result.phosphateFit.refined, dominant(anchors.nu1) else { return }
    let share =
      result.phosphateDetected
      ? settings.phases.acpMinimumShare * max(result.phosphateArea, 0) : 0
    let present =
      acp.significance >= decision.minimumSignificance && acp.area >= share
      && result.phosphateFit.peakToNoise >= decision.minimumPeakToNoise
    result.phases.acp = evidence(acp, centre: acp.centre, present: present)
    if present, !result.phosphateDetected {
      candidate.consider(.acp, height: anchors.nu1.height)
    }
  }

  /// Brushite: its ν1 anchor, with the ~880 companion wherever the spectrum reaches it.
  private func callBrushite(_ result: inout RamanAnalysis) -> Bool {
    let decision = settings.decision
    let band = result.brushite
    guard dominant(anchors.brushite), band.isFitted,
      max(band.significance, anchors.brushiteScreenSignificance) >= decision.minimumSignificance,
      anchors.brushite.peakToNoise >= decision.minimumPeakToNoise,
      decision.phosphateFWHMRange.contains(band.fwhm)
    else { return false }
    let companion = result.brushiteCompanion
    let companionSeen =
      companion.significance >= settings.phases.evidenceSignificance
      && companion.area >= settings.phases.brushiteCompanionMinimumShare * band.area
    let present = companionSeen || !anchors.brushiteCompanionInRange
    var entry = evidence(band, centre: band.centre, present: present)
    if companionSeen {
      entry.area += companion.area
      entry.areaSigma =
        (band.areaSigma * band.areaSigma + companion.areaSigma
        * companion.areaSigma).squareRoot()
    }
    result.phases.brushite = entry
    return present
  }

  /// Oxalate from the C–C stretch and/or the C–O bands; the hydrate where the bands tell it.
  private func callOxalate(_ result: inout RamanAnalysis) -> MineralPhase? {
    let decision = settings.decision
    let rules = settings.phases
    var hydrateCC: MineralPhase?
    var hydrateCO: MineralPhase?
    var area = 0.0
    var variance = 0.0
    var centre = Double.nan
    let cc = result.oxalateCC
    if dominant(anchors.oxalateCC), cc.isFitted,
      max(cc.significance, anchors.oxalateCCScreenSignificance) >= decision.minimumSignificance,
      anchors.oxalateCC.peakToNoise >= decision.minimumPeakToNoise,
      settings.whewelliteCC.fwhmRange.contains(cc.fwhm)
    {
      // A hydrate only where its C–C range (reference ± natural spread ± offset tolerance)
      // does not overlap the other's.
      let com = settings.whewelliteCC
      let cod = settings.weddelliteCC
      let peak = anchors.oxalateCC.position
      if peak < cod.centre - toleratedOffset - cod.centreSigma {
        hydrateCC = .oxalateMonohydrate
      } else if peak > com.centre + toleratedOffset + com.centreSigma {
        hydrateCC = .oxalateDihydrate
      } else {
        hydrateCC = .oxalate
      }
      area += cc.area
      variance += cc.areaSigma * cc.areaSigma
      centre = cc.centre
    }
    let main = result.weddellite1476
    if dominant(anchors.oxalateCO), result.oxalateFit.refined, main.isFitted,
      main.significance >= decision.minimumSignificance,
      result.oxalateFit.peakToNoise >= decision.minimumPeakToNoise,
      settings.weddellite1476.fwhmRange.contains(main.fwhm)
    {
      let low = result.whewellite1463
      let high = result.whewellite1490
      let partner =
        (low.area.isFinite ? low.area : 0) >= (high.area.isFinite ? high.area : 0)
        ? low : high
      let minimum = rules.monohydrateDoubletMinimumShare * main.area
      if partner.significance >= rules.evidenceSignificance, partner.area >= minimum {
        hydrateCO = .oxalateMonohydrate
        area += partner.area
        variance += partner.areaSigma * partner.areaSigma
      } else if partner.areaSigma.isFinite,
        minimum >= 2 * rules.evidenceSignificance * partner.areaSigma
      {
        hydrateCO = .oxalateDihydrate
      } else {
        hydrateCO = .oxalate
      }
      area += main.area
      variance += main.areaSigma * main.areaSigma
      if !centre.isFinite { centre = main.centre }
    }
    guard hydrateCC != nil || hydrateCO != nil else { return nil }
    let hydrate: MineralPhase
    switch (hydrateCC, hydrateCO) {
    case (let a?, let b?) where a == b: hydrate = a
    case (.oxalate?, let b?): hydrate = b
    case (let a?, .oxalate?): hydrate = a
    case (let a?, nil): hydrate = a
    case (nil, let b?): hydrate = b
    default: hydrate = .oxalate
    }
    result.oxalateDetected = true
    result.oxalateArea = area
    result.oxalateAreaSigma = variance.squareRoot()
    var entry = PhaseEvidence()
    entry.present = true
    entry.area = area
    entry.areaSigma = variance.squareRoot()
    entry.centre = centre
    result.phases.oxalate = entry
    return hydrate
  }

  /// Calcite: a dominant, narrow, significant band at ~1086 and no phosphate ν1.
  private func callCalcite(_ result: inout RamanAnalysis) -> Bool {
    let decision = settings.decision
    let band = result.calcite
    guard dominant(anchors.calcite), result.carbonateFit.refined, band.isFitted else {
      return false
    }
    let present =
      band.significance >= decision.minimumSignificance
      && result.carbonateFit.peakToNoise >= decision.minimumPeakToNoise
      && settings.calcite.fwhmRange.contains(band.fwhm) && !result.phosphateDetected
    result.phases.calcite = evidence(band, centre: band.centre, present: present)
    return present
  }

  /// The named phase's anchor centre minus its reference position, with σ from the fit and the
  /// reference's natural spread (its prior's centre σ).
  private func measureOffset(_ result: inout RamanAnalysis) {
    let s = settings
    let measured: FittedBand
    let reference: BandPrior
    switch result.phase {
    case .whitlockite:
      measured = result.whitlockite.area >= result.hap.area ? result.whitlockite : result.hap
      reference = s.whitlockite
    case .apatite:
      measured = result.hap.area >= result.whitlockite.area ? result.hap : result.whitlockite
      reference = s.hap
    case .merrillite:
      measured = result.hap
      reference = s.merrillite
    case .brushite:
      measured = result.brushite
      reference = s.brushite
    case .oxalateMonohydrate, .oxalateDihydrate:
      let monohydrate = result.phase == .oxalateMonohydrate
      if result.oxalateCC.isFitted {
        measured = result.oxalateCC
        reference = monohydrate ? s.whewelliteCC : s.weddelliteCC
      } else {
        measured = result.weddellite1476
        reference =
          monohydrate
          ? (result.weddellite1476.centre
            < (s.whewellite1463.centre + s.whewellite1490.centre) / 2
            ? s.whewellite1463 : s.whewellite1490)
          : s.weddellite1476
      }
    case .calcite:
      measured = result.calcite
      reference = s.calcite
    default:
      return
    }
    guard measured.centre.isFinite else { return }
    result.axisOffset = measured.centre - reference.centre
    let fit = measured.centreSigma.isFinite ? measured.centreSigma : 0
    let spread = reference.centreSigma.isFinite ? reference.centreSigma : 0
    result.axisOffsetSigma = (fit * fit + spread * spread).squareRoot()
  }
}
