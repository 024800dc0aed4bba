#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Attenuation of soft X-rays between the emitting volume and the detector that differs
/// between two measurements (surface roughness, a tilted or partly shadowed spot, a film), and
/// its correction for ratios to Ca, estimated inside each spectrum from the tube's scattered
/// Rh L lines.
///
/// Model. A measurement's soft lines pass through an extra absorber of mass thickness m
/// (g/cm²) of a matrix like the standard's: a line at energy E is transmitted by
/// exp(−μ(E)·m), μ the absorber's mass attenuation coefficient. Relative to the standard
/// (m = 0 by definition) an unknown's X/Ca is multiplied by exp(−(μ(E_X) − μ(E_Ca))·m), so
/// the correction divides it out. m is measured with the Rh Lα scatter line (2.697 keV), whose
/// intensity relative to the scattered continuum at 10–14 keV (the SNIP background there) is
/// s = A_RhL / C_hi = g · k(matrix) · exp(−(μ(2.697) − μ(12))·m): g an instrument constant,
/// k = (σ/μ)(2.697 keV) / (σ/μ)(12 keV) the thick-sample scatter ratio of the matrix
/// (σ = coherent + incoherent cross sections, μ total attenuation; the geometry factor is
/// the same at both energies and cancels). The standard gives g·k_std from its certificate;
/// the unknown's k follows from its own composition, which depends on m itself (through the
/// corrected ratios of its major elements, as oxides normalised to 100 %), so m is the fixed
/// point of m = ln(g·k(m) / s) / (μ(2.697) − μ(12)), found by bisection.
///
/// Coefficients: mass attenuation (total with coherent scattering) and coherent + incoherent
/// scattering cross sections, cm²/g, from the xraylib database (T. Schoonjans et al.,
/// Spectrochim. Acta B 66 (2011) 776; `CS_Total`, `CS_Rayl`, `CS_Compt`) at the Kα1 energy of
/// each tabulated element, at Rh Lα1 and at 12 keV.
public enum XRFSoftXRayAttenuation {
  /// Elements with a tabulated Kα line (the absorber's and the unknown's major elements).
  public static let lineElements = ["Na", "Mg", "Al", "Si", "P", "K", "Ca", "Ti", "Mn", "Fe"]
  /// The tube anode whose scattered Lα line measures the attenuation.
  public static let anode = "Rh"
  /// The continuum window (keV) that normalises the scatter line.
  public static let continuumWindow = 10.0...14.0
  /// Index of Rh Lα (2.697 keV) in each row of `massAttenuation`.
  static let scatterIndex = 10
  /// Index of 12 keV.
  static let continuumIndex = 11

  /// μ/ρ (cm²/g) of O and each line element at the Kα1 energies of `lineElements` (in that
  /// order), then at Rh Lα1 (2.697 keV) and at 12 keV.
  static let massAttenuation: [String: [Double]] = [
    "O": [4126, 2516, 1586, 1028, 685.1, 162.3, 118.1, 65.16, 29.15, 22.76, 295.7, 3.472],
    "Na": [587, 4717, 3261, 2205, 1500, 384.6, 283.9, 160.5, 73.88, 58.11, 678.7, 9.063],
    "Mg": [828.5, 502.8, 4085, 2782, 1906, 501.8, 372.2, 212, 98.52, 77.68, 876.4, 12.28],
    "Al": [1065, 648.7, 411.7, 3112, 2236, 602.1, 449.1, 258.2, 121, 95.69, 1051, 15.34],
    "Si": [1411, 861.8, 548.2, 358.9, 2751, 746.3, 560.5, 326.2, 154.2, 122.2, 1322, 19.89],
    "P": [1720, 1052, 670.1, 439, 297.7, 866.1, 650.4, 378.8, 181, 143.8, 1451, 23.78],
    "K": [3656, 2258, 1451, 955, 650.3, 167.5, 1134, 679.1, 335.3, 269.1, 293.2, 47.29],
    "Ca": [4387, 2719, 1752, 1156, 788.8, 203.7, 151.6, 780.3, 390.4, 313.7, 356.5, 56.07],
    "Ti": [5299, 3306, 2144, 1420, 972.7, 253.3, 188.7, 109.1, 455.9, 357.7, 442, 66.81],
    "Mn": [7331, 4640, 3048, 2035, 1402, 370.6, 276.8, 160.5, 77.01, 61.45, 643.1, 92.5],
    "Fe": [8242, 5252, 3473, 2324, 1605, 426.3, 318.6, 185, 88.89, 70.93, 738.5, 104.7],
  ]

  /// Coherent + incoherent scattering cross sections (cm²/g) at 2.697 keV and at 12 keV.
  static let scattering: [String: (scatterLine: Double, continuum: Double)] = [
    "O": (1.123, 0.3384), "Na": (1.508, 0.4613), "Mg": (1.618, 0.519), "Al": (1.65, 0.5472),
    "Si": (1.815, 0.6085), "P": (1.899, 0.6328), "K": (2.506, 0.7945), "Ca": (2.645, 0.8489),
    "Ti": (2.761, 0.8569), "Mn": (3.281, 0.9879), "Fe": (3.55, 1.068),
  ]

  /// Cations per oxide formula and O per formula (Na₂O, MgO, Al₂O₃, SiO₂, P₂O₅, K₂O, CaO, TiO₂,
  /// MnO, Fe₂O₃): oxygen is added to a composition by stoichiometry.
  static let oxides: [String: (cations: Double, oxygens: Double)] = [
    "Na": (2, 1), "Mg": (1, 1), "Al": (2, 3), "Si": (1, 2), "P": (2, 5), "K": (2, 1),
    "Ca": (1, 1), "Ti": (1, 2), "Mn": (1, 1), "Fe": (2, 3),
  ]

  /// Mass fractions of a matrix from element mass fractions (any scale) of tabulated
  /// elements, with oxygen by oxide stoichiometry, normalised to 1.
  public static func matrix(_ composition: [String: Double]) -> [String: Double] {
    var fractions: [String: Double] = [:]
    var oxygen = 0.0
    for (element, amount) in composition where amount > 0 && amount.isFinite {
      guard let oxide = oxides[element], let weight = XRFLineLibrary.atomicWeight(element)
      else { continue }
      fractions[element] = amount
      oxygen += amount / weight * oxide.oxygens / oxide.cations * 15.999
    }
    fractions["O"] = oxygen
    let total = fractions.values.reduce(0, +)
    guard total > 0 else { return [:] }
    return fractions.mapValues { $0 / total }
  }

  /// μ/ρ (cm²/g) of `matrix` at column `index` of `massAttenuation`.
  static func attenuation(_ matrix: [String: Double], _ index: Int) -> Double {
    matrix.reduce(0) { $0 + $1.value * (massAttenuation[$1.key]?[index] ?? 0) }
  }

  /// μ/ρ (cm²/g) of `matrix` at the Kα line of `element`, nil when it is not tabulated.
  public static func attenuation(_ matrix: [String: Double], atLineOf element: String) -> Double? {
    guard let index = lineElements.firstIndex(of: element) else { return nil }
    return attenuation(matrix, index)
  }

  /// The thick-sample scatter ratio k = (σ/μ)(Rh Lα) / (σ/μ)(12 keV) of `matrix`.
  public static func scatterRatio(_ matrix: [String: Double]) -> Double {
    var line = 0.0
    var continuum = 0.0
    for (element, fraction) in matrix {
      guard let sigma = scattering[element] else { continue }
      line += fraction * sigma.scatterLine
      continuum += fraction * sigma.continuum
    }
    return (line / attenuation(matrix, scatterIndex))
      / (continuum / attenuation(matrix, continuumIndex))
  }

  /// The factor exp((μ(E_X) − μ(E_Ca))·m) that corrects a ratio X/Ca for an absorber of mass
  /// thickness `mass` (g/cm²) made of `absorber`; 1 for an element without a tabulated line.
  public static func correction(
    _ element: String, absorber: [String: Double], mass: Double
  ) -> Double {
    guard let line = attenuation(absorber, atLineOf: element),
      let calcium = attenuation(absorber, atLineOf: "Ca")
    else { return 1 }
    return exp((line - calcium) * mass)
  }

  /// The reference of a standard: its scatter indicator s = A_RhL / C_hi over the scatter
  /// ratio of its major elements (certified at ≥ `majorFraction` wt %, the set an unknown's
  /// composition is made of), i.e. the instrument constant g.
  public static func reference(
    scatterIndicator: Double, composition: [String: Double], majorFraction: Double = 0.5
  ) -> Double {
    scatterIndicator
      / scatterRatio(matrix(composition.filter { $0.value >= majorFraction || $0.key == "Ca" }))
  }

  /// The unknown's absorber mass thickness relative to the standard (g/cm², negative when it
  /// absorbs less), solved with its composition as described in the type's documentation.
  ///
  /// - Parameters:
  ///   - scatterIndicator: the unknown's A_RhL / C_hi.
  ///   - reference: the standard's `reference(scatterIndicator:composition:)`.
  ///   - standard: the standard's certified composition, wt % (the absorber, and the set of
  ///     major elements, ≥ `majorFraction` wt %, whose corrected ratios make the unknown's
  ///     composition).
  ///   - molarToCalcium: the unknown's uncorrected molar X/Ca by element (calibrated).
  public static func absorberMass(
    scatterIndicator: Double, reference: Double, standard: [String: Double],
    molarToCalcium: [String: Double], majorFraction: Double = 0.5
  ) -> Double? {
    let absorber = matrix(standard)
    let span = attenuation(absorber, scatterIndex) - attenuation(absorber, continuumIndex)
    guard scatterIndicator > 0, scatterIndicator.isFinite, reference > 0, reference.isFinite,
      span > 0
    else { return nil }
    let majors = molarToCalcium.filter { element, ratio in
      ratio.isFinite && ratio > 0 && (standard[element] ?? 0) >= majorFraction
        && oxides[element] != nil
    }
    func composition(_ mass: Double) -> [String: Double] {
      var amounts: [String: Double] = ["Ca": XRFLineLibrary.atomicWeight("Ca") ?? 40.078]
      for (element, ratio) in majors {
        amounts[element] =
          ratio * correction(element, absorber: absorber, mass: mass)
          * (XRFLineLibrary.atomicWeight(element) ?? 1)
      }
      return matrix(amounts)
    }
    // m − ln(g·k(m)/s)/span rises with m (k(m) falls as the light elements grow): bisect.
    func excess(_ mass: Double) -> Double {
      mass - log(reference * scatterRatio(composition(mass)) / scatterIndicator) / span
    }
    var low = -2e-3
    var high = 2e-3
    guard excess(low) < 0, excess(high) > 0 else { return nil }
    for _ in 0..<60 {
      let middle = (low + high) / 2
      if excess(middle) < 0 { low = middle } else { high = middle }
    }
    return (low + high) / 2
  }
}
