/// One Raman band of a simulated sample: where it sits, how wide it is and how strong it is.
///
/// The shape is a pseudo-Voigt normalised to unit area, so `areaRate` is the number of photons the
/// band delivers per second summed over all pixels (before the detector's quantum efficiency).
public struct RamanBand: Sendable, Equatable {
  /// Band centre in Raman shift, cm⁻¹.
  public var centre: Double
  /// Full width at half maximum, cm⁻¹ (observed width, instrument broadening included).
  public var fwhm: Double
  /// Integrated signal in counts per second at unit quantum efficiency.
  public var areaRate: Double

  /// Creates a band from its centre and FWHM (cm⁻¹) and area rate (counts/s).
  public init(centre: Double, fwhm: Double, areaRate: Double) {
    self.centre = centre
    self.fwhm = fwhm
    self.areaRate = areaRate
  }

  /// The band's spectral density (counts per second per cm⁻¹) at `shift`, for a pseudo-Voigt with
  /// Lorentzian weight `lorentzianFraction` (1 = pure Lorentzian, 0 = pure Gaussian).
  public func density(atShift shift: Double, lorentzianFraction: Double) -> Double {
    areaRate
      * LineShape.pseudoVoigt(
        shift - centre, fwhm: fwhm, lorentzianFraction: lorentzianFraction)
  }
}
