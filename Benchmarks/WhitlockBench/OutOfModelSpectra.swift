import Foundation
import SampleModels
import Simulation

/// Test spectra drawn *outside* the detector's model, with known whitlockite fraction.
///
/// Synthetic: every band centre, width and shape is drawn from ranges wider than the detector's
/// priors (each band its own Lorentzian share η, so no single pseudo-Voigt fits them all), the
/// identifying-band ratios (HPO₄/ν1, ν3/ν1) from ranges around the typical values the rules
/// assume, a common axis offset of up to ±6 cm⁻¹, tissue bands, a curved fluorescence
/// background and Gaussian noise at the requested ν1 peak SNR. Reference mixtures: measured
/// RRUFF whitlockite and apatite spectra, each normalised to unit ν1 area, mixed in known
/// proportions, shifted, on a background, with noise. Negatives (truth: no fraction): tissue
/// alone, calcite, oxalate and brushite-like spectra. The tissue holds collagen and lipid bands
/// (see `organicBands`). Own line-shape code, not the detector's.
struct OutOfModelSpectra {
  /// One spectrum and its truth.
  struct Sample {
    /// What the spectrum is.
    enum Kind: String { case synthetic, mixture, negative }
    var kind: Kind
    var intensities: [Double]
    /// Whitlockite fraction, or nil where no phosphate is present.
    var truth: Double?
  }

  /// Raman shift per pixel.
  var axis: [Double]
  /// Measured whitlockite and apatite spectra (shift, intensity), when available.
  var whitlockites: [([Double], [Double])]
  var apatites: [([Double], [Double])]

  /// Unit-area pseudo-Voigt with its own Lorentzian share.
  static func profile(_ x: Double, centre: Double, fwhm: Double, eta: Double) -> Double {
    let half = fwhm / 2
    let d = x - centre
    let lorentz = half / Double.pi / (d * d + half * half)
    let k = 4 * log(2.0)
    let gauss = (k / Double.pi).squareRoot() / fwhm * exp(-k * d * d / (fwhm * fwhm))
    return eta * lorentz + (1 - eta) * gauss
  }

  /// Linear interpolation of a measured spectrum at `x` (0 outside it).
  static func interpolate(_ spectrum: ([Double], [Double]), at x: Double) -> Double {
    let (xs, ys) = spectrum
    guard let first = xs.first, let last = xs.last, x >= first, x <= last else { return 0 }
    var low = 0
    var high = xs.count - 1
    while high - low > 1 {
      let middle = (low + high) / 2
      if xs[middle] <= x { low = middle } else { high = middle }
    }
    let t = xs[high] > xs[low] ? (x - xs[low]) / (xs[high] - xs[low]) : 0
    return ys[low] + t * (ys[high] - ys[low])
  }

  /// ν1 area of a measured spectrum (940–990 above the straight line from 930 to 1000).
  static func nu1Area(_ spectrum: ([Double], [Double])) -> Double {
    let left = interpolate(spectrum, at: 930)
    let right = interpolate(spectrum, at: 1000)
    var area = 0.0
    var x = 940.0
    while x <= 990 {
      let line = left + (right - left) * (x - 930) / 70
      area += (interpolate(spectrum, at: x) - line) * 0.25
      x += 0.25
    }
    return max(area, 1e-9)
  }

  /// Background, tissue and noise common to every kind; `peak` is the ν1 peak height the SNR
  /// refers to, in counts per cm⁻¹ of band density.
  func finish(
    _ density: [Double], peak: Double, snr: Double, random: inout RandomSource
  ) -> [Double] {
    let fluorescence = random.uniform(in: 2, 8) * peak
    let curvature = random.uniform(in: -0.6, 0.6)
    let tissue = random.uniform(in: 0, 0.25) * peak
    let organic = Self.organicBands(random: &random)
    let spacing = (axis[axis.count - 1] - axis[0]) / Double(axis.count - 1)
    let sigma = peak * spacing / snr
    return axis.indices.map { i in
      let x = axis[i]
      let u = (x - 1100) / 900
      var value = density[i] * spacing
      value += fluorescence * spacing * (1 + 0.5 * u + curvature * u * u)
      var bands = 0.0
      for band in organic {
        bands += band.area * Self.profile(x, centre: band.centre, fwhm: band.fwhm, eta: band.eta)
      }
      value += tissue * spacing * 4 * bands
      return 1000 + value + sigma * random.gaussian()
    }
  }

  /// One organic band of the tissue: area relative to the tissue scale, own shape.
  struct OrganicBand {
    var centre: Double
    var fwhm: Double
    var eta: Double
    var area: Double
  }

  /// Soft tissue: phenylalanine, CH₂, and collagen and lipid in drawn amounts (each up to 1.5
  /// times as much as the CH₂ band alone implies), with band positions (±3 cm⁻¹), widths and
  /// ratios drawn wider than the detector's tissue model: collagen 921/(855 + 876) 0.2–0.42,
  /// 938/(855 + 876) 0.5–0.9; lipid 1063/1128 0.8–1.4, 1080/1128 1.0–1.8. Literature positions:
  /// Frushour & Koenig 1975, Haka et al. 2002/2005.
  static func organicBands(random: inout RandomSource) -> [OrganicBand] {
    let collagen = random.uniform(in: 0, 1.5)
    let lipid = random.uniform(in: 0, 1.5)
    let collagenEta = random.uniform(in: 0.3, 0.9)
    let lipidEta = random.uniform(in: 0.3, 0.9)
    let shift = random.uniform(in: -3, 3)
    let pair = 6 * 0.374 * collagen
    let proline = random.uniform(in: 0.45, 0.65)
    let c1128 = 6 * 0.072 * lipid
    return [
      OrganicBand(centre: 1003, fwhm: 7, eta: 0.6, area: 1),
      OrganicBand(centre: 1031, fwhm: 10, eta: 0.6, area: 0.3),
      OrganicBand(centre: 1447, fwhm: 32, eta: 0.5, area: 6),
      OrganicBand(centre: 1300, fwhm: 45, eta: 0.5, area: 4),
      OrganicBand(
        centre: 855 + shift, fwhm: random.uniform(in: 11, 18), eta: collagenEta,
        area: pair * proline),
      OrganicBand(
        centre: 876 + shift, fwhm: random.uniform(in: 11, 18), eta: collagenEta,
        area: pair * (1 - proline)),
      OrganicBand(
        centre: 921 + shift, fwhm: random.uniform(in: 10, 18), eta: collagenEta,
        area: pair * random.uniform(in: 0.2, 0.42)),
      OrganicBand(
        centre: 938 + shift, fwhm: random.uniform(in: 14, 22), eta: collagenEta,
        area: pair * random.uniform(in: 0.5, 0.9)),
      OrganicBand(
        centre: 1063 + shift, fwhm: random.uniform(in: 9, 15), eta: lipidEta,
        area: c1128 * random.uniform(in: 0.8, 1.4)),
      OrganicBand(
        centre: 1080 + shift, fwhm: random.uniform(in: 15, 25), eta: lipidEta,
        area: c1128 * random.uniform(in: 1.0, 1.8)),
      OrganicBand(
        centre: 1128 + shift, fwhm: random.uniform(in: 9, 15), eta: lipidEta, area: c1128),
    ]
  }

  /// A synthetic phosphate spectrum with whitlockite fraction `f`.
  func synthetic(fraction f: Double, snr: Double, random: inout RandomSource) -> [Double] {
    let offset = random.uniform(in: -6, 6)
    let apatiteCentre = random.uniform(in: 955, 966) + offset
    let whitlockiteCentre = random.uniform(in: 963, 977) + offset
    let apatiteWidth = random.uniform(in: 6, 16)
    let whitlockiteWidth = random.uniform(in: 6, 16)
    let apatiteEta = random.uniform(in: 0.1, 1)
    let whitlockiteEta = random.uniform(in: 0.1, 1)
    let hpo4Ratio = random.uniform(in: 0.045, 0.11)
    let hpo4Centre = whitlockiteCentre - random.uniform(in: 41, 47)
    let hpo4Width = random.uniform(in: 7, 15)
    let nu3Ratio = random.uniform(in: 0.06, 0.16)
    let nu3Centre = apatiteCentre + random.uniform(in: 80, 92)
    let nu3Width = random.uniform(in: 10, 28)
    let carbonate = random.uniform(in: 0, 0.1)
    let carbonateCentre = random.uniform(in: 1066, 1076) + offset
    let acp = random.uniform(in: 0, 0.08)
    let acpCentre = random.uniform(in: 944, 956) + offset
    let area = 100.0
    let density = axis.map { x in
      area * (1 - f) * Self.profile(x, centre: apatiteCentre, fwhm: apatiteWidth, eta: apatiteEta)
        + area * f
        * Self.profile(x, centre: whitlockiteCentre, fwhm: whitlockiteWidth, eta: whitlockiteEta)
        + area * f * hpo4Ratio * Self.profile(x, centre: hpo4Centre, fwhm: hpo4Width, eta: 0.5)
        + area * (1 - f) * nu3Ratio
        * Self.profile(x, centre: nu3Centre, fwhm: nu3Width, eta: 0.5)
        + area * carbonate * Self.profile(x, centre: carbonateCentre, fwhm: 14, eta: 0.5)
        + area * acp * Self.profile(x, centre: acpCentre, fwhm: 28, eta: 0.3)
    }
    let peak = density.max() ?? 1
    return finish(density, peak: peak, snr: snr, random: &random)
  }

  /// A mixture of measured spectra with whitlockite (ν1-area) fraction `f`.
  func mixture(fraction f: Double, snr: Double, index: Int, random: inout RandomSource)
    -> [Double]
  {
    let whitlockite = whitlockites[index % whitlockites.count]
    let apatite = apatites[(index / whitlockites.count) % apatites.count]
    let offset = random.uniform(in: -6, 6)
    let wScale = 100 * f / Self.nu1Area(whitlockite)
    let aScale = 100 * (1 - f) / Self.nu1Area(apatite)
    let density = axis.map { x in
      max(
        wScale * Self.interpolate(whitlockite, at: x - offset)
          + aScale * Self.interpolate(apatite, at: x - offset), 0)
    }
    let peak = density.max() ?? 1
    return finish(density, peak: peak, snr: snr, random: &random)
  }

  /// A spectrum without crystalline phosphate: tissue, calcite, oxalate or brushite-like.
  func negative(index: Int, snr: Double, random: inout RandomSource) -> [Double] {
    let offset = random.uniform(in: -6, 6)
    var bands: [(Double, Double, Double)] = []
    switch index % 4 {
    case 0: break
    case 1: bands = [(1086, random.uniform(in: 4, 10), 1), (712, 6, 0.2)]
    case 2:
      let dihydrate = random.uniform() < 0.5
      bands =
        dihydrate
        ? [(910, random.uniform(in: 6, 12), 0.3), (1476, 8, 1)]
        : [(896, random.uniform(in: 6, 12), 0.3), (1463, 8, 0.6), (1490, 8, 0.4)]
    default:
      bands = [(988.5, random.uniform(in: 6, 12), 1), (880, 12, 0.3), (1060, 12, 0.15)]
    }
    let density = axis.map { x in
      bands.reduce(0.0) { sum, band in
        sum + 100 * band.2 * Self.profile(x, centre: band.0 + offset, fwhm: band.1, eta: 0.6)
      }
    }
    let peak = max(density.max() ?? 0, 100 * Self.profile(0, centre: 0, fwhm: 10, eta: 0.6))
    return finish(density, peak: peak, snr: snr, random: &random)
  }

  /// `count` synthetic, `count / 2` mixture (when reference files are there) and `count / 2`
  /// negative spectra at one SNR level.
  func samples(count: Int, snr: Double, seed: UInt64) -> [Sample] {
    var result: [Sample] = []
    for index in 0..<count {
      var random = RandomSource(seed: seed, stream: UInt64(index))
      let f = random.uniform()
      result.append(
        Sample(
          kind: .synthetic, intensities: synthetic(fraction: f, snr: snr, random: &random),
          truth: f))
    }
    if !whitlockites.isEmpty, !apatites.isEmpty {
      for index in 0..<(count / 2) {
        var random = RandomSource(seed: seed ^ 0x5EED, stream: UInt64(index))
        let f = random.uniform()
        result.append(
          Sample(
            kind: .mixture,
            intensities: mixture(fraction: f, snr: snr, index: index, random: &random), truth: f))
      }
    }
    for index in 0..<(count / 2) {
      var random = RandomSource(seed: seed ^ 0xBAD, stream: UInt64(index))
      result.append(
        Sample(
          kind: .negative, intensities: negative(index: index, snr: snr, random: &random),
          truth: nil))
    }
    return result
  }
}
