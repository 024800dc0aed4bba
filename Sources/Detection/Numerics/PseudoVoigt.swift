#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Unit-area pseudo-Voigt profile η·L + (1 − η)·G (Lorentzian and Gaussian of the same FWHM) and
/// its partial derivatives, for the band fits.
enum PseudoVoigt {
  /// 4·ln 2.
  static let gaussianK = 2.772588722239781
  /// sqrt(4·ln 2 / π), the Gaussian's peak height times its FWHM.
  static let gaussianNorm = 0.9394372786996513

  /// Profile value and derivatives with respect to centre, FWHM and η at offset `d` = x − centre.
  @inline(__always)
  static func evaluate(offset d: Double, fwhm w: Double, eta: Double) -> (
    value: Double, dCentre: Double, dWidth: Double, dEta: Double
  ) {
    let g = w / 2
    let d2 = d * d
    let denominator = d2 + g * g
    let lorentz = g / (Double.pi * denominator)
    let t = gaussianK * d2 / (w * w)
    let gauss = gaussianNorm / w * exp(-t)
    let value = eta * lorentz + (1 - eta) * gauss
    let lorentzCentre = lorentz * 2 * d / denominator
    let gaussCentre = gauss * 2 * gaussianK * d / (w * w)
    let lorentzWidth = lorentz * (d2 - g * g) / (w * denominator)
    let gaussWidth = gauss * (2 * t - 1) / w
    return (
      value, eta * lorentzCentre + (1 - eta) * gaussCentre,
      eta * lorentzWidth + (1 - eta) * gaussWidth, lorentz - gauss
    )
  }

  /// Profile value only.
  @inline(__always)
  static func value(offset d: Double, fwhm w: Double, eta: Double) -> Double {
    let g = w / 2
    let d2 = d * d
    let lorentz = g / (Double.pi * (d2 + g * g))
    let gauss = gaussianNorm / w * exp(-gaussianK * d2 / (w * w))
    return eta * lorentz + (1 - eta) * gauss
  }
}
