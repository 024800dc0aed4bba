/// Standard air's refractive index, to turn NIST's air wavelengths into vacuum wavenumbers.
///
/// Raman shifts are differences of vacuum wavenumbers; using air wavelengths as if they were
/// vacuum ones stretches the axis by n − 1 ≈ 2.8 × 10⁻⁴ (0.3 cm⁻¹ at 1600 cm⁻¹ from a silicon zero).
/// Formula: E. R. Peck and K. Reeder, J. Opt. Soc. Am. 62, 958 (1972), the one NIST ASD uses
/// for air wavelengths above 185 nm.
public enum AirRefraction {
  /// n − 1 of standard air at vacuum wavenumber `sigma` in µm⁻¹.
  public static func refractivity(sigmaPerMicrometre sigma: Double) -> Double {
    let s2 = sigma * sigma
    return 0.057_918_17 / (238.0185 - s2) + 0.001_679_09 / (57.362 - s2)
  }

  /// Vacuum wavenumber in cm⁻¹ of light whose wavelength in standard air is `airNanometres`.
  public static func vacuumWavenumber(airNanometres: Double) -> Double {
    // n depends on the vacuum wavenumber; two fixed-point steps converge far below 1e-6 cm⁻¹.
    var sigma = 1000 / airNanometres
    for _ in 0..<3 {
      sigma = 1000 / (airNanometres * (1 + refractivity(sigmaPerMicrometre: sigma)))
    }
    return sigma * 1e4
  }
}
