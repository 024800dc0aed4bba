import Detection
import Foundation

/// Standards-based XRF quantification: relative sensitivity factors (RSF) of an instrument and
/// geometry, derived from the spectrum of a standard with certified mass fractions.
///
/// For each certified element X other than Ca with a significant fitted area:
/// RSF_X = (A_X / A_Ca) / ((w_X / M_X) / (w_Ca / M_Ca)), the net-area ratio per unit molar
/// ratio (A net areas, w certified mass fractions, M atomic weights). A spectrum analysed with
/// these factors reports X/Ca = (A_X / A_Ca) / RSF_X as a molar ratio. The factors hold for
/// samples whose matrix absorbs and enhances like the standard's; how far that carries is
/// measured in docs/xrf-quantification.md.
public struct XRFStandardCalibration: Sendable {
  /// One derived factor.
  public struct Factor: Sendable, Equatable {
    /// Element symbol.
    public var element: String
    /// RSF relative to Ca.
    public var value: Double
    /// σ from the two areas' σ.
    public var sigma: Double
  }

  /// The factors, in the order the elements were certified.
  public var factors: [Factor]
  /// The standard's Rh L scatter reference for the soft X-ray attenuation correction
  /// (`XRFSoftXRayAttenuation.reference`), nil when its spectrum has no scatter indicator
  /// (anode not Rh, or a fit range short of 14 keV).
  public var scatterReference: Double?
  /// The certified composition, wt %, by element.
  public var composition: [String: Double] = [:]
  /// Certified elements left out (not in the line library's K families, not fitted or not
  /// significant), with the reason.
  public var skipped: [(element: String, reason: String)]

  /// Parses `"Mg=5.85,Ca=9.51"` (wt %, element symbols as in the line library).
  public static func parseCertified(_ text: String) throws(SpectrumInputError) -> [(String, Double)]
  {
    var values: [(String, Double)] = []
    for item in text.split(separator: ",") {
      let parts = item.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value > 0,
        value <= 100
      else {
        throw SpectrumInputError(
          "--certified: \"\(item)\" is not ELEMENT=MASS-PERCENT with 0 < value ≤ 100")
      }
      guard XRFLineLibrary.kFamily(parts[0]) != nil, XRFLineLibrary.atomicWeight(parts[0]) != nil
      else {
        throw SpectrumInputError("--certified: \"\(parts[0])\" is not an element of Z 11–38")
      }
      guard !values.contains(where: { $0.0 == parts[0] }) else {
        throw SpectrumInputError("--certified: \(parts[0]) is given twice")
      }
      values.append((parts[0], value))
    }
    guard values.contains(where: { $0.0 == "Ca" }) else {
      throw SpectrumInputError("--certified must include Ca: every factor is relative to Ca")
    }
    guard values.count >= 2 else {
      throw SpectrumInputError("--certified needs Ca and at least one other element")
    }
    return values
  }

  /// Derives the factors from `analysis` (the standard's spectrum analysed with the settings the
  /// factors are for) and the certified mass fractions.
  public init(
    analysis: XRFAnalysis, certified: [(String, Double)], significance: Double = 3
  ) throws(SpectrumInputError) {
    func area(_ element: String) -> (Double, Double)? {
      if element == "Mg", analysis.magnesium.area.isFinite {
        return (analysis.magnesium.area, analysis.magnesium.areaSigma)
      }
      guard let fitted = analysis.elements.first(where: { $0.element == element && $0.shell == .k })
      else { return nil }
      return (fitted.area, fitted.areaSigma)
    }
    guard let calciumFraction = certified.first(where: { $0.0 == "Ca" })?.1,
      let calciumArea = area("Ca"), calciumArea.0 > significance * calciumArea.1
    else {
      throw SpectrumInputError("the standard's Ca Kα is not significant: no factor can be derived")
    }
    let (calcium, calciumSigma) = calciumArea
    let calciumMoles = calciumFraction / (XRFLineLibrary.atomicWeight("Ca") ?? 40.078)
    factors = []
    skipped = []
    for (element, fraction) in certified where element != "Ca" {
      guard let fitted = area(element) else {
        skipped.append((element, "not fitted (Kα outside the fit range)"))
        continue
      }
      let (value, sigma) = fitted
      guard value.isFinite, sigma.isFinite, value > significance * sigma else {
        skipped.append((element, "area \(value) ± \(sigma) is below \(significance) σ"))
        continue
      }
      let moles = fraction / (XRFLineLibrary.atomicWeight(element) ?? 1)
      let factor = (value / calcium) / (moles / calciumMoles)
      let relative =
        ((sigma / value) * (sigma / value) + (calciumSigma / calcium) * (calciumSigma / calcium))
        .squareRoot()
      factors.append(Factor(element: element, value: factor, sigma: factor * relative))
    }
    guard !factors.isEmpty else {
      throw SpectrumInputError("no certified element besides Ca has a significant area")
    }
    composition = Dictionary(certified, uniquingKeysWith: { first, _ in first })
    // The reference's matrix is made of the elements an unknown's composition can have: those
    // with a factor, and Ca.
    let calibrated = Set(factors.map(\.element)).union(["Ca"])
    scatterReference =
      analysis.scatterIndicator.isFinite
      ? XRFSoftXRayAttenuation.reference(
        scatterIndicator: analysis.scatterIndicator,
        composition: composition.filter { calibrated.contains($0.key) }) : nil
  }

  /// Applies the factors (and the attenuation reference, when there is one) to `settings`.
  public func apply(to settings: inout XRFPipelineSettings) {
    for factor in factors { settings.sensitivities[factor.element] = factor.value }
    settings.attenuationReference = scatterReference
    settings.standardComposition = scatterReference == nil ? [:] : composition
  }

  /// The `[detection.xrf]` table that applies these factors, with the fit settings they were
  /// derived with (so `analyze --config` and the daemon fit unknowns the same way), headed by
  /// comments naming the standard and its certificate.
  public func toml(
    name: String, spectrum: String, certified: [(String, Double)],
    settings: XRFPipelineSettings, written: Date = Date()
  ) -> String {
    func number(_ value: Double) -> String { String(format: "%.6g", value) }
    func quoted(_ text: String) -> String {
      "\""
        + text.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    let date = ISO8601DateFormatter().string(from: written)
    var lines = [
      "# XRF relative sensitivity factors written by `whitlockctl calibrate xrf`.",
      "# Standard \(name), spectrum \(spectrum), \(date).",
      "# Certified (wt %): " + certified.map { "\($0.0)=\(number($0.1))" }.joined(separator: ", "),
      "# factor = (net area X / net area Ca) / (molar X / molar Ca); ± from the areas' σ.",
    ]
    for item in skipped { lines.append("# \(item.element) left out: \(item.reason)") }
    lines += [
      "[detection.xrf]",
      "calibration = " + quoted("\(name) (\(spectrum), \(date.prefix(10)))"),
    ]
    if !settings.elements.isEmpty {
      lines.append("elements = [" + settings.elements.map(quoted).joined(separator: ", ") + "]")
    }
    if let anode = settings.anode { lines.append("anode = " + quoted(anode)) }
    lines.append("fit_min_kev = \(number(settings.fitRange.lowerBound))")
    lines.append("fit_max_kev = \(number(settings.fitRange.upperBound))")
    lines.append("model_error = \(number(settings.modelError))")
    // The factors hold for the line shape they were measured with.
    lines.append("line_tails = \(settings.lineTails)")
    for factor in factors {
      lines.append(
        "relative_sensitivity_\(factor.element.lowercased())_ca = \(number(factor.value))"
          + "  # ± \(number(factor.sigma))")
    }
    if let scatterReference {
      lines.append(
        "# Soft X-ray attenuation: Rh L scatter reference and the standard's composition.")
      lines.append("attenuation_scatter_reference = \(number(scatterReference))")
      for (element, fraction) in certified {
        lines.append("standard_\(element.lowercased())_wt_percent = \(number(fraction))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
