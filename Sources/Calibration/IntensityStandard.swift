import Foundation

/// NIST Standard Reference Materials for the relative intensity correction of Raman spectra:
/// luminescent glasses whose emission, excited at one laser line, follows a certified curve of
/// Raman shift. A spectrum of the glass measured on an instrument, divided into that curve, is the
/// instrument's relative response; Raman spectra divided by the response become comparable
/// between instruments of the same laser line.
///
/// Curves and certified ranges are those of the NIST certificates (SRM 2241, 2242a, 2245,
/// 2246a): a fifth-degree polynomial in Raman shift for 2241, a log-normal peak on a straight
/// line for the others, both giving relative intensity (1 near the curve's maximum).
public enum IntensityStandard: String, Sendable, CaseIterable {
  /// SRM 2241, 785 nm excitation.
  case srm2241
  /// SRM 2242a, 532 nm excitation.
  case srm2242a
  /// SRM 2245, 633 nm excitation.
  case srm2245
  /// SRM 2246a, 830 nm excitation.
  case srm2246a

  /// The laser line the certificate is for, nm.
  public var excitationNanometres: Double {
    switch self {
    case .srm2241: return 785
    case .srm2242a: return 532
    case .srm2245: return 633
    case .srm2246a: return 830
    }
  }

  /// The Raman-shift range the certificate covers, cm⁻¹; nothing is corrected outside it.
  public var certifiedRange: ClosedRange<Double> {
    switch self {
    case .srm2241: return 200...3500
    case .srm2242a: return 150...4000
    case .srm2245: return 150...4000
    case .srm2246a: return 110...3000
    }
  }

  /// The certificate's name, as printed and recorded.
  public var title: String {
    switch self {
    case .srm2241: return "NIST SRM 2241 (785 nm)"
    case .srm2242a: return "NIST SRM 2242a (532 nm)"
    case .srm2245: return "NIST SRM 2245 (633 nm)"
    case .srm2246a: return "NIST SRM 2246a (830 nm)"
    }
  }

  /// The certified relative emission at a Raman shift (cm⁻¹); meaningful within
  /// `certifiedRange` only.
  public func relativeIntensity(atShift x: Double) -> Double {
    switch self {
    case .srm2241:
      let a = [9.71937e-02, 2.28325e-04, -5.86762e-08, 2.16023e-10, -9.77171e-14, 1.15596e-17]
      var value = 0.0
      for coefficient in a.reversed() { value = value * x + coefficient }
      return value
    case .srm2242a:
      return Self.logNormal(
        x, height: 0.99747, width: 3100.6, asymmetry: 1.1573, centre: 2972.1, slope: -3.7168e-6,
        intercept: 0.012864)
    case .srm2245:
      return Self.logNormal(
        x, height: 0.95071, width: 1657.7, asymmetry: 0.95207, centre: 1960.0, slope: 1.8981e-5,
        intercept: 0.011698)
    case .srm2246a:
      return Self.logNormal(
        x, height: 1.0178, width: 3082.3, asymmetry: 0.98252, centre: 2353.1,
        slope: -1.1825e-7, intercept: -0.0175)
    }
  }

  /// The certificates' asymmetric log-normal peak H·exp(−ln2/ln²ρ · ln²(1 + (x−x₀)(ρ²−1)/(wρ)))
  /// plus m·x + b; zero peak where the logarithm's argument is not positive.
  static func logNormal(
    _ x: Double, height: Double, width: Double, asymmetry rho: Double, centre: Double,
    slope: Double, intercept: Double
  ) -> Double {
    let argument = (x - centre) * (rho * rho - 1) / (width * rho) + 1
    let logRho = log(rho)
    let peak =
      argument > 0 ? height * exp(-M_LN2 / (logRho * logRho) * pow(log(argument), 2)) : 0
    return peak + slope * x + intercept
  }
}
