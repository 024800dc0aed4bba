import Foundation

/// Unit-area line shapes shared by the Raman and XRF models.
public enum LineShape {
  /// A Lorentzian of the given FWHM, centred at 0, with unit area.
  public static func lorentzian(_ offset: Double, fwhm: Double) -> Double {
    let halfWidth = fwhm / 2
    return halfWidth / (Double.pi * (offset * offset + halfWidth * halfWidth))
  }

  /// A Gaussian of the given FWHM, centred at 0, with unit area.
  public static func gaussian(_ offset: Double, fwhm: Double) -> Double {
    let sigma = fwhm / (8 * log(2.0)).squareRoot()
    let z = offset / sigma
    return exp(-0.5 * z * z) / (sigma * (2 * Double.pi).squareRoot())
  }

  /// A pseudo-Voigt: `lorentzianFraction`·Lorentzian + (1 − `lorentzianFraction`)·Gaussian, both
  /// with the same FWHM and unit area.
  public static func pseudoVoigt(_ offset: Double, fwhm: Double, lorentzianFraction: Double)
    -> Double
  {
    let eta = min(max(lorentzianFraction, 0), 1)
    var value = 0.0
    if eta > 0 { value += eta * lorentzian(offset, fwhm: fwhm) }
    if eta < 1 { value += (1 - eta) * gaussian(offset, fwhm: fwhm) }
    return value
  }
}
