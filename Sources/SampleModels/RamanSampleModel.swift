import Foundation
import WhitlockCore

/// A physical model of a 785 nm Raman measurement on breast tissue, with or without a
/// microcalcification, that produces raw CCD counts.
///
/// Expected counts per pixel are
/// `offset + dark·t + t·QE(λ)·Δν·[fluorescence(ν) + Σ bands(ν)]`, where `Δν` is the pixel's width
/// in cm⁻¹ (so more pixels spread the same light thinner). The recorded spectrum adds shot noise
/// (Poisson), read noise (Gaussian), cosmic-ray spikes, and clips at full scale. Every default is a
/// typical value for a TE-cooled deep-depletion CCD spectrometer on tissue
/// (see `reference/science.md`).
public struct RamanSampleModel: Sendable, Equatable {
  /// Laser wavelength, nm.
  public var excitationNanometres: Double = 785
  /// Number of detector pixels (1024, 2048 and 4096 are typical).
  public var pixelCount: Int = 1024
  /// Wavelength polynomial λ(p) = c0 + c1·p + c2·p² + c3·p³ in nm; `nil` uses
  /// `defaultWavelengthCoefficients(pixelCount:excitationNanometres:)`.
  public var customWavelengthCoefficients: [Double]? = nil
  /// Integration time, s.
  public var integrationSeconds: Double = 1
  /// Largest count the 16-bit ADC reports; larger values clip here.
  public var fullScale: UInt32 = 65535
  /// Electronic offset (bias) added to every pixel, counts.
  public var baselineOffset: Double = 800
  /// Dark current, counts per second per pixel; its shot noise grows with integration time.
  public var darkCurrent: Double = 8
  /// Read noise, counts rms per pixel per readout.
  public var readNoise: Double = 12
  /// Peak quantum efficiency of the CCD (at the short-wavelength end of the range).
  public var quantumEfficiencyPeak: Double = 0.9
  /// Wavelength where the quantum efficiency has fallen to half its peak, nm (silicon becomes
  /// transparent in the near infrared).
  public var quantumEfficiencyHalfWavelength: Double = 960
  /// Width of the quantum-efficiency roll-off (logistic scale), nm.
  public var quantumEfficiencyRollOff: Double = 45
  /// Fluorescence background density at its maximum, counts/s per cm⁻¹ at unit QE. With the
  /// defaults it is about three times the peak of a typical phosphate band.
  public var fluorescenceDensity: Double = 12000
  /// Raman shift of the fluorescence maximum, cm⁻¹.
  public var fluorescenceCentre: Double = 600
  /// 1/e half-width of the broad fluorescence hump, cm⁻¹.
  public var fluorescenceWidth: Double = 1800
  /// Part of the fluorescence that is flat across the range (0…1).
  public var fluorescenceFloor: Double = 0.3
  /// Lorentzian weight of every band's pseudo-Voigt shape (1 = pure Lorentzian).
  public var lorentzianFraction: Double = 0.8
  /// Total crystalline phosphate ν1 area (HAP + whitlockite) at strength 1, counts/s at unit QE.
  public var phosphateAreaRate: Double = 60000
  /// HAP PO₄ ν1 centre, cm⁻¹.
  public var hapCentre: Double = 961
  /// HAP PO₄ ν1 FWHM, cm⁻¹ (narrower means more crystalline).
  public var hapFWHM: Double = 10
  /// Whitlockite PO₄ ν1 centre, cm⁻¹.
  public var whitlockiteCentre: Double = 970
  /// Whitlockite PO₄ ν1 FWHM, cm⁻¹.
  public var whitlockiteFWHM: Double = 10
  /// Amorphous calcium phosphate ν1 centre, cm⁻¹.
  public var acpCentre: Double = 950
  /// Amorphous calcium phosphate ν1 FWHM, cm⁻¹ (broad: no long-range order).
  public var acpFWHM: Double = 25
  /// B-type carbonate ν1 centre, cm⁻¹.
  public var carbonateCentre: Double = 1070
  /// B-type carbonate ν1 FWHM, cm⁻¹.
  public var carbonateFWHM: Double = 15
  /// Secondary phosphate bands both phases share (ν2, ν4) as (centre, FWHM, area relative to
  /// ν1).
  public var phosphateSecondaryBands: [RamanBand] = [
    RamanBand(centre: 431, fwhm: 20, areaRate: 0.12),
    RamanBand(centre: 590, fwhm: 22, areaRate: 0.15),
  ]
  /// Apatite's ν3 group (area relative to the apatite ν1 area).
  public var apatiteNu3Band = RamanBand(centre: 1046, fwhm: 20, areaRate: 0.10)
  /// Whitlockite's HPO₄ band (area relative to the whitlockite ν1 area).
  public var whitlockiteHPO4Band = RamanBand(centre: 924, fwhm: 11, areaRate: 0.07)
  /// Total oxalate area at strength 1, counts/s at unit QE.
  public var oxalateAreaRate: Double = 80000
  /// Whewellite (COM) bands as (centre, FWHM, share of the oxalate area).
  public var monohydrateBands: [RamanBand] = [
    RamanBand(centre: 1463, fwhm: 8, areaRate: 0.50),
    RamanBand(centre: 1490, fwhm: 8, areaRate: 0.30),
    RamanBand(centre: 896, fwhm: 8, areaRate: 0.20),
  ]
  /// Weddellite (COD) bands as (centre, FWHM, share of the oxalate area).
  public var dihydrateBands: [RamanBand] = [
    RamanBand(centre: 1476, fwhm: 8, areaRate: 0.75),
    RamanBand(centre: 910, fwhm: 8, areaRate: 0.25),
  ]
  /// Soft-tissue bands at tissue strength 1 (Phe 1003 and 1032, CH₂ twist ~1300, CH₂ bend 1445,
  /// amide I 1655, lipid ester 1745), areas in counts/s at unit QE.
  public var tissueBands: [RamanBand] = [
    RamanBand(centre: 1003, fwhm: 7, areaRate: 9000),
    RamanBand(centre: 1032, fwhm: 10, areaRate: 3000),
    RamanBand(centre: 1302, fwhm: 45, areaRate: 35000),
    RamanBand(centre: 1445, fwhm: 30, areaRate: 50000),
    RamanBand(centre: 1655, fwhm: 45, areaRate: 45000),
    RamanBand(centre: 1745, fwhm: 20, areaRate: 8000),
  ]
  /// Collagen (breast stroma) bands at collagen strength 1, beside the shared organic bands
  /// above: proline 855, hydroxyproline 876, proline 921 (on whitlockite's HPO₄ band), backbone
  /// C–C 938, amide III 1245/1270. Positions from Frushour & Koenig (1975) and Haka et al.
  /// (2002, 2005); heights relative to the CH₂ band read from their collagen spectra (855 ≈ 0.45,
  /// 876 ≈ 0.35, 921 ≈ 0.25, 938 ≈ 0.45, amide III ≈ 0.5/0.4 of the 1445 peak).
  public var collagenBands: [RamanBand] = [
    RamanBand(centre: 855, fwhm: 14, areaRate: 10500),
    RamanBand(centre: 876, fwhm: 14, areaRate: 8200),
    RamanBand(centre: 921, fwhm: 14, areaRate: 5600),
    RamanBand(centre: 938, fwhm: 18, areaRate: 13000),
    RamanBand(centre: 1245, fwhm: 30, areaRate: 25000),
    RamanBand(centre: 1270, fwhm: 30, areaRate: 20000),
  ]
  /// Lipid (breast fat) bands at lipid strength 1: C–C stretches 1063 (trans), 1080 (gauche) and
  /// 1128 (trans), =C–H 1265. Positions from Haka et al. (2002, 2005); heights ≈ 0.2, 0.15, 0.18
  /// and 0.35 of the 1445 peak.
  public var lipidBands: [RamanBand] = [
    RamanBand(centre: 1063, fwhm: 12, areaRate: 4000),
    RamanBand(centre: 1080, fwhm: 20, areaRate: 5000),
    RamanBand(centre: 1128, fwhm: 12, areaRate: 3600),
    RamanBand(centre: 1265, fwhm: 20, areaRate: 11700),
  ]
  /// Mean number of cosmic-ray events per second of integration over the whole sensor.
  public var cosmicRayRate: Double = 0.2
  /// Range of a cosmic-ray spike's height in counts (drawn uniformly).
  public var cosmicRayHeight: ClosedRange<Double> = 3000...40000

  /// A model with the default parameters for `pixelCount` pixels.
  public init(pixelCount: Int = 1024) {
    self.pixelCount = pixelCount
  }

  /// The wavelength polynomial in use (nm, c0…c3).
  public var wavelengthCoefficients: [Double] {
    customWavelengthCoefficients
      ?? Self.defaultWavelengthCoefficients(
        pixelCount: pixelCount, excitationNanometres: excitationNanometres)
  }

  /// The axis calibration a device with this model would report.
  public var axisCalibration: AxisCalibration {
    .wavelengthPolynomial(
      coefficients: wavelengthCoefficients, excitationNanometres: excitationNanometres)
  }

  /// A grating-like cubic wavelength polynomial whose pixels span about 190–2010 cm⁻¹ at any
  /// pixel count, with the slight curvature of a real spectrograph.
  ///
  /// Written in the normalised pixel t = p/(N−1) as λ = a0 + a1·t + a2·t² + a3·t³ and converted to
  /// per-pixel coefficients cᵢ = aᵢ/(N−1)ⁱ.
  public static func defaultWavelengthCoefficients(
    pixelCount: Int, excitationNanometres: Double = 785
  ) -> [Double] {
    let first = RamanShift.wavelength(
      excitationNanometres: excitationNanometres, shiftWavenumbers: 190)
    let last = RamanShift.wavelength(
      excitationNanometres: excitationNanometres, shiftWavenumbers: 2010)
    let a2 = -4.0
    let a3 = 0.3
    let a1 = (last - first) - a2 - a3
    let span = Double(max(pixelCount - 1, 1))
    return [first, a1 / span, a2 / (span * span), a3 / (span * span * span)]
  }

  /// Relative quantum efficiency of the detector at `wavelength` nm (logistic roll-off).
  public func quantumEfficiency(atWavelength wavelength: Double) -> Double {
    let z = (wavelength - quantumEfficiencyHalfWavelength) / quantumEfficiencyRollOff
    return quantumEfficiencyPeak / (1 + exp(z))
  }

  /// Fluorescence density at `shift`, counts/s per cm⁻¹ at unit QE, for strength 1.
  public func fluorescence(atShift shift: Double) -> Double {
    let z = (shift - fluorescenceCentre) / fluorescenceWidth
    return fluorescenceDensity * (fluorescenceFloor + (1 - fluorescenceFloor) * exp(-z * z))
  }
}
