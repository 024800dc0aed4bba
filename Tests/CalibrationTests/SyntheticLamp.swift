import Calibration
import Foundation

/// A simulated spectrometer with a known axis error, to test the calibration against truth.
///
/// Its vendor axis is the polynomial λ(p) with the nominal laser; the truth is that vendor axis
/// plus a smooth error in absolute wavenumber and a laser off its nominal wavelength.
struct SyntheticInstrument {
  var nominalLaser = 785.0
  var trueLaser = 785.31
  var pixels = 2048
  /// Vendor wavelength (nm) of pixel p.
  func vendorWavelength(_ p: Double) -> Double { 788 + 0.118 * p - 6e-6 * p * p }
  /// True absolute wavenumber of light that lands where the vendor axis says `nu`.
  func trueWavenumber(vendor nu: Double) -> Double {
    let t = (nu - 11_500) / 1000
    return nu + 3.2 + 1.4 * t - 0.6 * t * t
  }
  func vendorWavenumber(_ p: Double) -> Double { 1e7 / vendorWavelength(p) }
  func vendorShift(_ p: Double) -> Double { 1e7 / nominalLaser - vendorWavenumber(p) }
  /// The true Raman shift at pixel p.
  func trueShift(_ p: Double) -> Double {
    1e7 / trueLaser - trueWavenumber(vendor: vendorWavenumber(p))
  }

  /// The pixel (fractional) where true absolute wavenumber `nu` lands, by bisection.
  func pixel(ofTrueWavenumber nu: Double) -> Double? {
    var low = 0.0
    var high = Double(pixels - 1)
    let f = { (p: Double) in self.trueWavenumber(vendor: self.vendorWavenumber(p)) - nu }
    guard f(low) * f(high) < 0 else { return nil }
    for _ in 0..<80 {
      let middle = (low + high) / 2
      if f(low) * f(middle) <= 0 { high = middle } else { low = middle }
    }
    return (low + high) / 2
  }

  /// A spectrum with a Gaussian of `sigma` pixels at each (true wavenumber, height), plus noise.
  func spectrum(source: String, peaks: [(Double, Double)], sigma: Double, seed: UInt64)
    -> VendorSpectrum
  {
    var state = seed
    var intensities = [Double](repeating: 100, count: pixels)
    for (nu, height) in peaks {
      guard let centre = pixel(ofTrueWavenumber: nu) else { continue }
      for p in max(0, Int(centre) - 20)..<min(pixels, Int(centre) + 21) {
        let d = (Double(p) - centre) / sigma
        intensities[p] += height * exp(-0.5 * d * d)
      }
    }
    for p in 0..<pixels {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      intensities[p] += Double(state >> 40) / Double(1 << 24) * 4 - 2
    }
    return VendorSpectrum(
      source: source, shifts: (0..<pixels).map { vendorShift(Double($0)) },
      intensities: intensities, statedExcitationNanometres: nominalLaser)
  }

  func neon() -> VendorSpectrum {
    let lines = CalibrationLamp.neon.lines.map { ($0.vacuumWavenumber, 20 * $0.relativeIntensity) }
    return spectrum(source: "neon.txt", peaks: lines, sigma: 1.6, seed: 1)
  }

  func silicon(reference: Double = 520.45) -> VendorSpectrum {
    spectrum(source: "si.txt", peaks: [(1e7 / trueLaser - reference, 5000)], sigma: 2.5, seed: 2)
  }
}
