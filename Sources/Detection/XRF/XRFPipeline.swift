import WhitlockCore

/// The XRF pipeline: energy axis from the device calibration, SNIP background, a joint weighted
/// fit of line families from `XRFLineLibrary` (each element's K or L lines with tied
/// intensities and their Si escape peaks, plus sum peaks of the strongest lines) on the
/// SNIP-subtracted counts, with the energy offset, scale and detector width law refined to the
/// spectrum; elements configured or chosen automatically from those significant. Then a local
/// re-fit of Mg Kα on raw counts with a polynomial background and its neighbours' lines, and
/// Mg/Ca and Na/Ca = (A_X / A_Ca) / RSF_X with propagated σ, or below detection with the limit.
///
/// Pure computation; reuses its buffers; one per thread.
public final class XRFPipeline {
  /// The parameters.
  public let settings: XRFPipelineSettings

  private let energy = ScratchBuffer()
  private let raw = ScratchBuffer()
  private let background = ScratchBuffer()
  private let net = ScratchBuffer()
  private let weights = ScratchBuffer()
  private let scratch = ScratchBuffer()
  private let mainFit = XRFFamilyFit()
  private let magnesiumFit = XRFFamilyFit()

  /// Creates a pipeline; `kernels` is accepted for symmetry with the Raman pipeline (the XRF
  /// fit has no kernel-specific loops).
  public init(
    settings: XRFPipelineSettings = XRFPipelineSettings(), kernels: DetectorKernels = .active
  ) {
    self.settings = settings
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
    let lastFit = min(
      Int(((settings.fitRange.upperBound - offset) / gain).rounded(.down)), count - 1)
    guard firstFit >= 0, lastFit - firstFit >= 40 else {
      result.flags.insert(.axisUnsupported)
      return result
    }
    let first = max(firstFit - snipChannels, 0)
    let last = min(lastFit + snipChannels, count - 1)
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
    let epsilon = max(settings.modelError, 0)
    for i in 0..<n {
      z[i] = y[i] - b[i]
      let model = epsilon * y[i]
      w[i] = 1 / (max(y[i], 1) + model * model)
    }
    let start = firstFit - first
    let fitCount = lastFit - firstFit + 1
    let low = e[start]
    let high = e[start + fitCount - 1]
    mainFit.prepare(
      x: e + start, target: z + start, weights: w + start, count: fitCount,
      families: candidateFamilies(low: low, high: high), escapes: true, polynomialOrder: -1,
      backgroundSpacing: settings.backgroundCorrectionSpacing,
      backgroundStart: settings.magnesiumRefitRange.upperBound)
    var axis = XRFAxisFit(
      offset: 0, scale: 1, fwhmZero: settings.fwhmZero, fwhmSlope: settings.fwhmSlope)
    guard mainFit.solve(axis: axis) else {
      result.flags.insert(.fitDegenerate)
      return result
    }
    if settings.refineAxis {
      axis = mainFit.refine(
        from: axis, offsetLimit: settings.axisOffsetLimit, lineTails: settings.lineTails)
    }
    if settings.elements.isEmpty {
      selectSignificant(axis: axis, low: low, high: high)
      if settings.refineAxis {
        axis = mainFit.refine(
          from: axis, offsetLimit: settings.axisOffsetLimit, lineTails: settings.lineTails)
        // The refined axis can leave an element below the threshold: select once more.
        selectSignificant(axis: axis, low: low, high: high)
      }
    }
    if settings.sumPeaks { addSumPeaks(axis: axis, high: high) }
    guard mainFit.solve(axis: axis) else {
      result.flags.insert(.fitDegenerate)
      return result
    }
    result.axis = axis
    result.reducedChiSquare = mainFit.reducedChiSquare
    for (index, family) in mainFit.families.enumerated() {
      result.elements.append(
        XRFElementArea(
          element: family.element, shell: family.shell, area: mainFit.solution[index],
          areaSigma: mainFit.sigmas[index]))
    }
    if let sum = mainFit.sumColumn {
      result.sumPeaks.area = mainFit.solution[sum]
      result.sumPeaks.areaSigma = mainFit.sigmas[sum]
    }
    result.sodium = band("Na", axis: axis)
    result.magnesiumSNIP = band("Mg", axis: axis)
    result.phosphorus = band("P", axis: axis)
    result.calcium = band("Ca", axis: axis)
    if let calcium = XRFLineLibrary.kFamily("Ca"), result.calcium.area.isFinite {
      let beta = calcium.lines[2]
      result.calciumBeta.area =
        result.calcium.area * beta.relativeIntensity / calcium.alphaIntensity
      result.calciumBeta.areaSigma =
        result.calcium.areaSigma * beta.relativeIntensity / calcium.alphaIntensity
      result.calciumBeta.centre = beta.energy
      result.calciumBeta.fwhm = axis.fwhm(beta.energy)
    }
    result.calciumEnergyOffset = centroidOffset(
      energies: e, net: z, count: n, line: settings.calcium.energy)
    result.magnesium = refitMagnesium(energies: e, raw: y, weights: w, count: n, axis: axis)
    result.scatterIndicator = scatterIndicator(
      result, energies: e, background: b, count: n, spacing: gain)
    ratios(&result)
    return result
  }

  /// The families the main fit starts from: configured elements (K family if its Kα is in
  /// range, else the L family), or every K family in range; always Na, Mg, P, Ca; the anode's
  /// L lines.
  private func candidateFamilies(low: Double, high: Double) -> [XRFLineFamily] {
    var families: [XRFLineFamily] = []
    func add(_ family: XRFLineFamily?) {
      guard let family, !families.contains(family) else { return }
      families.append(family)
    }
    for element in XRFPipelineSettings.reportedElements { add(XRFLineLibrary.kFamily(element)) }
    if settings.elements.isEmpty {
      for family in XRFLineLibrary.kFamilies where (low...high).contains(family.mainEnergy) {
        add(family)
      }
    } else {
      for element in settings.elements {
        if let family = XRFLineLibrary.kFamily(element), (low...high).contains(family.mainEnergy) {
          add(family)
        } else if let family = XRFLineLibrary.lFamily(element),
          (low...high).contains(family.mainEnergy)
        {
          add(family)
        }
      }
    }
    if let anode = settings.anode, let family = XRFLineLibrary.lFamily(anode),
      (low...high).contains(family.mainEnergy)
    {
      add(family)
    }
    return families
  }

  /// Drops, round by round, every family below `elementSignificance` (never Na, Mg, P, Ca or
  /// the anode), then adds the L lines (Zn–Sr) of strong K families kept, and re-solves.
  private func selectSignificant(axis: XRFAxisFit, low: Double, high: Double) {
    for _ in 0..<8 {
      let families = mainFit.families
      var kept: [XRFLineFamily] = []
      for (index, family) in families.enumerated() {
        let fixed =
          XRFPipelineSettings.reportedElements.contains(family.element)
          || family.element == settings.anode
        let area = mainFit.solution[index]
        let sigma = mainFit.sigmas[index]
        if fixed
          || (area.isFinite && sigma.isFinite && area >= settings.elementSignificance * sigma)
        {
          kept.append(family)
        }
      }
      if kept.count == families.count { break }
      mainFit.setFamilies(kept)
      guard mainFit.solve(axis: axis) else { return }
    }
    // L lines of Zn–Sr: only for an element whose K lines are strong (≥ 20 σ), and kept only
    // when significant themselves (weak L lines at 1.0–1.9 keV would take area from Na–Si).
    var families = mainFit.families
    for (index, family) in mainFit.families.enumerated()
    where family.shell == .k && family.atomicNumber >= 30
      && mainFit.solution[index] >= 20 * mainFit.sigmas[index]
    {
      if let lines = XRFLineLibrary.lFamily(family.element),
        (low...high).contains(lines.mainEnergy),
        !families.contains(lines)
      {
        families.append(lines)
      }
    }
    guard families.count != mainFit.families.count else { return }
    mainFit.setFamilies(families)
    guard mainFit.solve(axis: axis) else { return }
    let kept = mainFit.families.indices.filter { index in
      mainFit.families[index].shell == .k || mainFit.families[index].element == settings.anode
        || mainFit.solution[index] >= settings.elementSignificance * mainFit.sigmas[index]
    }.map { mainFit.families[$0] }
    if kept.count != mainFit.families.count {
      mainFit.setFamilies(kept)
      mainFit.solve(axis: axis)
    }
  }

  /// Sum peaks of the four largest K families' main lines (pairs weighted by the product of
  /// their areas), as one column, when any falls inside the fit range.
  private func addSumPeaks(axis: XRFAxisFit, high: Double) {
    let strongest = mainFit.families.indices
      .filter { mainFit.families[$0].shell == .k && mainFit.solution[$0] > 0 }
      .sorted { mainFit.solution[$0] > mainFit.solution[$1] }
      .prefix(4)
    var lines: [(energy: Double, weight: Double)] = []
    let indices = Array(strongest)
    for a in indices.indices {
      for b in a..<indices.count {
        let energy =
          mainFit.families[indices[a]].mainEnergy + mainFit.families[indices[b]].mainEnergy
        guard energy < high else { continue }
        let weight =
          mainFit.solution[indices[a]] * mainFit.solution[indices[b]] * (a == b ? 1 : 2)
        lines.append((energy, weight))
      }
    }
    let total = lines.map(\.weight).reduce(0, +)
    guard total > 0 else { return }
    mainFit.setSumLines(lines.map { ($0.energy, $0.weight / total) })
  }

  /// The main fit's area of `element`'s K family as a band at its Kα energy.
  private func band(_ element: String, axis: XRFAxisFit) -> FittedBand {
    var band = FittedBand()
    guard
      let index = mainFit.families.firstIndex(where: { $0.element == element && $0.shell == .k })
    else { return band }
    band.area = mainFit.solution[index]
    band.areaSigma = mainFit.sigmas[index]
    band.centre = mainFit.families[index].mainEnergy
    band.fwhm = axis.fwhm(band.centre)
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

  /// Mg Kα on raw counts over `magnesiumRefitRange`: Mg and every fitted family with a line in
  /// the range (± two widths: Na, Al, Si on a silicate), positions and widths from the main
  /// fit's axis, plus a polynomial background in energy; weighted linear least squares, σ from
  /// the covariance (inflated by χ²_red > 1).
  private func refitMagnesium(
    energies e: UnsafePointer<Double>, raw y: UnsafePointer<Double>,
    weights w: UnsafePointer<Double>, count n: Int, axis: XRFAxisFit
  ) -> FittedBand {
    var band = FittedBand()
    let range = settings.magnesiumRefitRange
    var first = n
    var last = -1
    for i in 0..<n where range.contains(axis.offset + axis.scale * e[i]) {
      first = min(first, i)
      last = max(last, i)
    }
    guard last > first else { return band }
    var families: [XRFLineFamily] = []
    if let magnesium = XRFLineLibrary.kFamily("Mg") { families.append(magnesium) }
    for family in mainFit.families where !families.contains(family) {
      let inside = family.lines.contains { line in
        let margin = 2 * axis.fwhm(line.energy)
        return line.energy > range.lowerBound - margin && line.energy < range.upperBound + margin
      }
      if inside { families.append(family) }
    }
    let order = min(max(settings.magnesiumBackgroundOrder, 0), 4)
    magnesiumFit.prepare(
      x: e + first, target: y + first, weights: w + first, count: last - first + 1,
      families: families, escapes: false, polynomialOrder: order)
    guard magnesiumFit.solve(axis: axis) else { return band }
    band.area = magnesiumFit.solution[0]
    band.areaSigma = magnesiumFit.sigmas[0]
    band.centre = families[0].mainEnergy
    band.fwhm = axis.fwhm(band.centre)
    return band
  }

  /// The Rh L scatter area over the SNIP continuum per keV at 10–14 keV, when the anode is Rh
  /// and the analysed range covers the window; nan otherwise.
  private func scatterIndicator(
    _ result: XRFAnalysis, energies e: UnsafePointer<Double>, background b: UnsafePointer<Double>,
    count n: Int, spacing: Double
  ) -> Double {
    guard settings.anode == XRFSoftXRayAttenuation.anode,
      let scatter = result.elements.first(where: {
        $0.element == XRFSoftXRayAttenuation.anode && $0.shell == .l
      }),
      scatter.area > 0, n > 0,
      e[0] <= XRFSoftXRayAttenuation.continuumWindow.lowerBound,
      e[n - 1] >= XRFSoftXRayAttenuation.continuumWindow.upperBound
    else { return .nan }
    var sum = 0.0
    var points = 0
    for i in 0..<n where XRFSoftXRayAttenuation.continuumWindow.contains(e[i]) {
      sum += b[i]
      points += 1
    }
    guard points > 0, sum > 0 else { return .nan }
    return scatter.area / (sum / Double(points) / spacing)
  }

  /// The factors that turn net-area ratios to Ca into molar ratios: the calibrated sensitivity
  /// of each element, divided by the soft X-ray attenuation correction when the settings carry
  /// the standard's scatter reference (sets `absorberMass`).
  private func effectiveSensitivities(_ result: inout XRFAnalysis) -> [String: Double] {
    var factors = settings.sensitivities
    guard let reference = settings.attenuationReference, !settings.standardComposition.isEmpty,
      result.scatterIndicator.isFinite, result.calcium.area > 0
    else { return factors }
    var molar: [String: Double] = [:]
    for element in XRFSoftXRayAttenuation.lineElements where element != "Ca" {
      guard let factor = factors[element], factor > 0 else { continue }
      let fitted = result.elements.first { $0.element == element && $0.shell == .k }
      let area = element == "Mg" ? result.magnesium.area : (fitted?.area ?? .nan)
      guard area > 0, area.isFinite else { continue }
      molar[element] = area / result.calcium.area / factor
    }
    guard
      let mass = XRFSoftXRayAttenuation.absorberMass(
        scatterIndicator: result.scatterIndicator, reference: reference,
        standard: settings.standardComposition, molarToCalcium: molar)
    else { return factors }
    result.absorberMass = mass
    let absorber = XRFSoftXRayAttenuation.matrix(settings.standardComposition)
    for (element, factor) in factors {
      factors[element] =
        factor / XRFSoftXRayAttenuation.correction(element, absorber: absorber, mass: mass)
    }
    return factors
  }

  private func ratios(_ result: inout XRFAnalysis) {
    if settings.relativeSensitivityFactor == nil { result.flags.insert(.uncalibrated) }
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
    let factors = effectiveSensitivities(&result)
    result.magnesiumToCalcium = XRFRatioToCalcium(
      mg, ca, factor: factors["Mg"], significance: settings.magnesiumSignificance,
      calciumSignificance: settings.calciumSignificance)
    result.sodiumToCalcium = XRFRatioToCalcium(
      result.sodium, ca, factor: factors["Na"],
      significance: settings.elementSignificance,
      calciumSignificance: settings.calciumSignificance)
  }
}
