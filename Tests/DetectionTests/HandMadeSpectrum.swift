import Foundation

/// Spectra built in the tests from their own shapes, independent of Sources/Simulation: pure
/// Lorentzian or Gaussian bands (not the simulator's pseudo-Voigt), a polynomial plus exponential
/// background, Gaussian noise from a small LCG, on an axis linear in Raman shift.
struct HandMadeSpectrum {
  var shifts: [Double]
  var intensities: [Double]

  enum Shape {
    case lorentzian
    case gaussian
  }

  struct Band {
    var centre: Double
    var fwhm: Double
    var area: Double
    var shape: Shape = .lorentzian
  }

  /// `points` pixels from `lower` to `upper` cm⁻¹ with the given bands (areas in counts summed over
  /// pixels), a curved background and noise of σ `noise` counts.
  init(
    points: Int = 1400, lower: Double = 400, upper: Double = 1800, bands: [Band],
    background: Double = 8000, noise: Double = 0, seed: UInt64 = 1
  ) {
    let spacing = (upper - lower) / Double(points - 1)
    shifts = (0..<points).map { lower + spacing * Double($0) }
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }
    func gaussian() -> Double {
      (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
    intensities = shifts.map { x in
      let t = (x - lower) / (upper - lower)
      var value = background * (0.6 + 0.5 * exp(-2 * t) + 0.2 * t * t)
      for band in bands {
        let d = x - band.centre
        let density: Double
        switch band.shape {
        case .lorentzian:
          let g = band.fwhm / 2
          density = g / (Double.pi * (d * d + g * g))
        case .gaussian:
          let s = band.fwhm / (8 * log(2.0)).squareRoot()
          density = exp(-0.5 * d * d / (s * s)) / (s * (2 * Double.pi).squareRoot())
        }
        value += band.area * spacing * density
      }
      return value + noise * gaussian()
    }
  }

  /// The identifying bands a phosphate always has beside its ν1 (whitlockite's HPO₄ ~924 at 7 %
  /// of its ν1 area, apatite's ν3 ~1046 at 10 %): without them a ν1 band is a lone band, not a
  /// phosphate.
  static func companions(apatite: Double, whitlockite: Double, shape: Shape = .lorentzian)
    -> [Band]
  {
    [
      Band(centre: 924, fwhm: 10, area: 0.07 * whitlockite, shape: shape),
      Band(centre: 1046, fwhm: 20, area: 0.10 * apatite, shape: shape),
    ]
  }

  /// Soft-tissue bands (phenylalanine, CH₂, amide I) at a given scale.
  static func tissue(_ scale: Double = 1) -> [Band] {
    [
      Band(centre: 1003, fwhm: 6, area: 6000 * scale),
      Band(centre: 1450, fwhm: 28, area: 40000 * scale),
      Band(centre: 1660, fwhm: 40, area: 40000 * scale),
    ]
  }
}
