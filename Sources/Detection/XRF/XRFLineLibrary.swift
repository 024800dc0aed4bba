/// One emission line of a line family: its name (Siegbahn), energy and intensity relative to the
/// family's main line.
public struct XRFEmissionLine: Sendable, Equatable {
  /// Siegbahn name, e.g. "Ka1".
  public var name: String
  /// Photon energy, keV.
  public var energy: Double
  /// Intensity relative to the family's main line (Kα1 or Lα1 = 1).
  public var relativeIntensity: Double
}

/// The lines of one element's K or L shell that the fit treats as one component: their
/// intensities are tied, so a family has one area (that of its α lines).
public struct XRFLineFamily: Sendable, Equatable {
  /// Which shell the lines come from.
  public enum Shell: String, Sendable {
    case k = "K"
    case l = "L"
  }
  /// Element symbol.
  public var element: String
  /// Atomic number.
  public var atomicNumber: Int
  /// K or L.
  public var shell: Shell
  /// The lines, main line first.
  public var lines: [XRFEmissionLine]

  /// Name written into records, e.g. "Fe K".
  public var name: String { element + " " + shell.rawValue }
  /// Energy of the main line, keV.
  public var mainEnergy: Double { lines[0].energy }
  /// Sum of the relative intensities of the α lines (Kα1 + Kα2, or Lα1): the family's area is
  /// the area of its α lines, so every line's weight is its intensity divided by this.
  /// Called for every family in every trial of the fit: a plain loop, no intermediate arrays.
  public var alphaIntensity: Double {
    var sum = 0.0
    for line in lines where line.name.hasPrefix("Ka") || line.name.hasPrefix("La") {
      sum += line.relativeIntensity
    }
    return sum
  }
}

/// Fluorescence line energies and relative intensities for Z = 11–38 (K lines; L lines of
/// Zn–Sr, which fall at 1.0–1.9 keV beside Na–Si) and the L lines of common X-ray tube anodes
/// (Mo, Rh, Pd, Ag, W), whose tube lines scatter into every spectrum.
///
/// Source: X-Ray Data Booklet (Lawrence Berkeley National Laboratory, 3rd ed. 2009), Table 1-2
/// "Photon energies and relative intensities of K-, L- and M-shell lines" (energies after
/// J. A. Bearden, Rev. Mod. Phys. 39 (1967) 78; intensities after J. H. Scofield, Phys. Rev. A 9
/// (1974) 1041), with Kα1 = 100, Kα2 ≈ 50 and Kβ1 (Kβ1,3 unresolved) as tabulated there; the L
/// families keep Lα1 (Lα2 unresolved, merged) and Lβ1, Lβ2, Lγ1 at their tabulated shares.
/// Atomic weights: IUPAC 2021 standard atomic weights (abridged).
public enum XRFLineLibrary {
  /// Builds a K family from Kα1, Kα2 and Kβ1 energies (eV) and the Kβ1 intensity (Kα1 = 100).
  private static func k(
    _ element: String, _ z: Int, _ alpha1: Double, _ alpha2: Double, _ beta: Double,
    _ betaIntensity: Double, alpha2Intensity: Double = 50
  ) -> XRFLineFamily {
    XRFLineFamily(
      element: element, atomicNumber: z, shell: .k,
      lines: [
        XRFEmissionLine(name: "Ka1", energy: alpha1 / 1000, relativeIntensity: 1),
        XRFEmissionLine(
          name: "Ka2", energy: alpha2 / 1000, relativeIntensity: alpha2Intensity / 100),
        XRFEmissionLine(name: "Kb1", energy: beta / 1000, relativeIntensity: betaIntensity / 100),
      ])
  }

  /// Builds an L family from (name, energy eV, intensity with Lα1 = 100) triples.
  private static func l(_ element: String, _ z: Int, _ lines: [(String, Double, Double)])
    -> XRFLineFamily
  {
    XRFLineFamily(
      element: element, atomicNumber: z, shell: .l,
      lines: lines.map {
        XRFEmissionLine(name: $0.0, energy: $0.1 / 1000, relativeIntensity: $0.2 / 100)
      })
  }

  /// Every K family, Z = 11–38.
  public static let kFamilies: [XRFLineFamily] = [
    k("Na", 11, 1040.98, 1040.98, 1071.1, 1),
    k("Mg", 12, 1253.60, 1253.60, 1302.2, 1),
    k("Al", 13, 1486.70, 1486.27, 1557.45, 1),
    k("Si", 14, 1739.98, 1739.38, 1835.94, 2),
    k("P", 15, 2013.7, 2012.7, 2139.1, 3),
    k("S", 16, 2307.84, 2306.64, 2464.04, 5),
    k("Cl", 17, 2622.39, 2620.78, 2815.6, 6),
    k("Ar", 18, 2957.70, 2955.63, 3190.5, 10),
    k("K", 19, 3313.8, 3311.1, 3589.6, 10),
    k("Ca", 20, 3691.68, 3688.09, 4012.7, 13),
    k("Sc", 21, 4090.6, 4086.1, 4460.5, 15),
    k("Ti", 22, 4510.84, 4504.86, 4931.81, 15),
    k("V", 23, 4952.20, 4944.64, 5427.29, 15),
    k("Cr", 24, 5414.72, 5405.509, 5946.71, 15),
    k("Mn", 25, 5898.75, 5887.65, 6490.45, 17),
    k("Fe", 26, 6403.84, 6390.84, 7057.98, 17),
    k("Co", 27, 6930.32, 6915.30, 7649.43, 17, alpha2Intensity: 51),
    k("Ni", 28, 7478.15, 7460.89, 8264.66, 17, alpha2Intensity: 51),
    k("Cu", 29, 8047.78, 8027.83, 8905.29, 17, alpha2Intensity: 51),
    k("Zn", 30, 8638.86, 8615.78, 9572.0, 17, alpha2Intensity: 51),
    k("Ga", 31, 9251.74, 9224.82, 10264.2, 17, alpha2Intensity: 51),
    k("Ge", 32, 9886.42, 9855.32, 10982.1, 17, alpha2Intensity: 51),
    k("As", 33, 10543.72, 10507.99, 11726.2, 18, alpha2Intensity: 51),
    k("Se", 34, 11222.4, 11181.4, 12495.9, 19, alpha2Intensity: 52),
    k("Br", 35, 11924.2, 11877.6, 13291.4, 20, alpha2Intensity: 52),
    k("Kr", 36, 12649, 12598, 14112, 20, alpha2Intensity: 52),
    k("Rb", 37, 13395.3, 13335.8, 14961.3, 20, alpha2Intensity: 52),
    k("Sr", 38, 14165, 14097.9, 15835.7, 20, alpha2Intensity: 52),
  ]

  /// L families of Zn–Sr (Lα1 with Lα2 merged, Lβ1) and of the tube anodes Mo, Rh, Pd, Ag, W.
  public static let lFamilies: [XRFLineFamily] = [
    l("Zn", 30, [("La1", 1011.7, 100), ("Lb1", 1034.7, 50)]),
    l("Ga", 31, [("La1", 1097.92, 100), ("Lb1", 1124.8, 50)]),
    l("Ge", 32, [("La1", 1188.00, 100), ("Lb1", 1218.5, 55)]),
    l("As", 33, [("La1", 1282.0, 100), ("Lb1", 1317.0, 55)]),
    l("Se", 34, [("La1", 1379.10, 100), ("Lb1", 1419.23, 55)]),
    l("Br", 35, [("La1", 1480.43, 100), ("Lb1", 1525.90, 55)]),
    l("Kr", 36, [("La1", 1586.0, 100), ("Lb1", 1636.6, 55)]),
    l("Rb", 37, [("La1", 1694.13, 100), ("Lb1", 1752.17, 55)]),
    l("Sr", 38, [("La1", 1806.56, 100), ("Lb1", 1871.72, 55)]),
    l(
      "Mo", 42,
      [("La1", 2293.16, 100), ("Lb1", 2394.81, 53), ("Lb2", 2518.3, 5), ("Lg1", 2623.5, 3)]),
    l(
      "Rh", 45,
      [("La1", 2696.74, 100), ("Lb1", 2834.41, 52), ("Lb2", 3001.27, 10), ("Lg1", 3143.81, 5)]),
    l(
      "Pd", 46,
      [("La1", 2838.61, 100), ("Lb1", 2990.22, 53), ("Lb2", 3171.79, 12), ("Lg1", 3328.7, 6)]),
    l(
      "Ag", 47,
      [("La1", 2984.31, 100), ("Lb1", 3150.94, 56), ("Lb2", 3347.81, 13), ("Lg1", 3519.59, 6)]),
    l(
      "W", 74,
      [("La1", 8397.6, 100), ("Lb1", 9672.35, 67), ("Lb2", 9961.5, 21), ("Lg1", 11285.9, 13)]),
  ]

  /// Elements whose L lines are tube-anode lines (`XRFPipelineSettings.anode`).
  public static let anodes = ["Mo", "Rh", "Pd", "Ag", "W"]

  /// The K family of `element`, if it is in the library.
  public static func kFamily(_ element: String) -> XRFLineFamily? {
    kFamilies.first { $0.element == element }
  }

  /// The L family of `element`, if it is in the library.
  public static func lFamily(_ element: String) -> XRFLineFamily? {
    lFamilies.first { $0.element == element }
  }

  /// Standard atomic weight, g/mol, of the library's elements.
  public static func atomicWeight(_ element: String) -> Double? {
    atomicWeights[element]
  }

  private static let atomicWeights: [String: Double] = [
    "Na": 22.990, "Mg": 24.305, "Al": 26.982, "Si": 28.085, "P": 30.974, "S": 32.06,
    "Cl": 35.45, "Ar": 39.948, "K": 39.098, "Ca": 40.078, "Sc": 44.956, "Ti": 47.867,
    "V": 50.942, "Cr": 51.996, "Mn": 54.938, "Fe": 55.845, "Co": 58.933, "Ni": 58.693,
    "Cu": 63.546, "Zn": 65.38, "Ga": 69.723, "Ge": 72.630, "As": 74.922, "Se": 78.971,
    "Br": 79.904, "Kr": 83.798, "Rb": 85.468, "Sr": 87.62, "Mo": 95.95, "Rh": 102.91,
    "Pd": 106.42, "Ag": 107.87, "W": 183.84,
  ]

  /// Fraction of photons of `energy` keV absorbed in a silicon detector that lose a Si Kα photon
  /// (1.74 keV) and land in the escape peak, after S. J. B. Reed and N. G. Ware, J. Phys. E 5
  /// (1972) 582: f = ½·ω_K·(1 − 1/r)·[1 − (μ_K/μ)·ln(1 + μ/μ_K)] with the Si K fluorescence yield
  /// ω_K = 0.047, jump ratio r = 10.4, μ the attenuation of silicon at `energy` (a power law
  /// through NIST XCOM values above the K edge) and μ_K = 320 cm²/g that of Si Kα. Zero below
  /// the Si K edge (1.839 keV).
  public static func siliconEscapeFraction(_ energy: Double) -> Double {
    guard energy > 1.839 else { return 0 }
    let mu = 3192 * pow(1.839 / energy, 2.7)
    let x = mu / 320
    return 0.5 * 0.047 * (1 - 1 / 10.4) * (1 - log(1 + x) / x)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
