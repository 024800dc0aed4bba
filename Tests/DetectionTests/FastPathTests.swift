import Foundation
import Testing

@testable import Detection

/// The speed work must not change results: the inline exponential, the per-band pseudo-Voigt
/// constants and the per-window caches are checked against the plain formulas and a fresh
/// pipeline.
@Suite struct FastPathTests {
  @Test func fastExpMatchesLibmAcrossTheRange() {
    var worst = 0.0
    var t = 0.0
    while t <= FastExp.cutoff {
      let expected = exp(-t)
      let relative = abs(FastExp.negative(t) - expected) / expected
      worst = max(worst, relative)
      t += 0.0137
    }
    #expect(worst < 1e-15, "worst relative error \(worst)")
    #expect(FastExp.negative(0) == 1)
    #expect(FastExp.negative(-3) == 1)
    #expect(FastExp.negative(FastExp.cutoff + 0.5) == 0)
    #expect(FastExp.negative(1e300) == 0)
    #expect(FastExp.negative(.infinity) == 0)
  }

  @Test(arguments: [0.0, 0.3, 1.0])
  func shapeAgreesWithTheDirectProfile(eta: Double) {
    for fwhm in [2.5, 9.0, 31.0] {
      let shape = PseudoVoigt.Shape(fwhm: fwhm, eta: eta)
      for step in -40...40 {
        let d = Double(step) * fwhm / 9
        let direct = PseudoVoigt.evaluate(offset: d, fwhm: fwhm, eta: eta)
        let fast = shape.evaluate(offset: d)
        let scale = 1 / fwhm
        #expect(abs(fast.value - direct.value) <= 1e-13 * scale)
        #expect(abs(fast.dCentre - direct.dCentre) <= 1e-13 * scale / fwhm)
        #expect(abs(fast.dWidth - direct.dWidth) <= 1e-13 * scale / fwhm)
        #expect(abs(fast.dEta - direct.dEta) <= 1e-13 * scale)
        #expect(abs(shape.value(offset: d) - direct.value) <= 1e-13 * scale)
      }
    }
  }

  /// The screen profiles and Gram matrix are cached per axis: analysing on one axis and then on
  /// another must give exactly what a fresh pipeline gives on the second.
  @Test func cachedWindowsFollowAnAxisChange() throws {
    let bands: [HandMadeSpectrum.Band] =
      [
        .init(centre: 961, fwhm: 11, area: 40000), .init(centre: 970, fwhm: 9, area: 20000),
        .init(centre: 1070, fwhm: 10, area: 8000),
      ] + HandMadeSpectrum.companions(apatite: 40000, whitlockite: 20000)
    let first = HandMadeSpectrum(points: 1400, bands: bands, noise: 25, seed: 3)
    let second = HandMadeSpectrum(
      points: 1100, lower: 450, upper: 1750, bands: bands, noise: 25, seed: 4)
    let reused = RamanPipeline()
    let warmup = reused.analyze(shifts: first.shifts, intensities: first.intensities)
    #expect(warmup.whitlockiteFraction != nil)
    let afterChange = reused.analyze(shifts: second.shifts, intensities: second.intensities)
    let fresh = RamanPipeline().analyze(shifts: second.shifts, intensities: second.intensities)
    let fraction = try #require(afterChange.whitlockiteFraction)
    #expect(fraction == fresh.whitlockiteFraction)
    #expect(afterChange.hap.area == fresh.hap.area)
    #expect(afterChange.carbonate.area == fresh.carbonate.area)
    #expect(afterChange.phosphateFit.iterations == fresh.phosphateFit.iterations)
    // And back again: the same spectrum twice gives the same answer from the cache.
    let again = reused.analyze(shifts: second.shifts, intensities: second.intensities)
    #expect(again.whitlockiteFraction == fresh.whitlockiteFraction)
    #expect(again.phosphateAreaSigma == fresh.phosphateAreaSigma)
  }

  /// XRF screens are weighted per spectrum; a pipeline reused across spectra of different
  /// channel counts still matches a fresh one.
  @Test func xrfPipelineReuseMatchesAFreshPipeline() {
    func spectrum(channels: Int, seed: UInt64) -> (energies: [Double], counts: [Double]) {
      let gain = 10.0 / Double(channels)
      var state = seed
      let energies = (0..<channels).map { Double($0) * gain }
      let counts = energies.map { e -> Double in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let jitter = Double(state >> 40) / Double(1 << 24) - 0.5
        var value = 40 * exp(-e / 4) + 5
        for (line, height) in [(1.254, 60.0), (2.013, 300.0), (3.691, 2000.0), (4.012, 250.0)] {
          let sigma = 0.055 + 0.01 * line
          value += height * exp(-0.5 * (e - line) * (e - line) / (sigma * sigma))
        }
        return (value + jitter * value.squareRoot()).rounded()
      }
      return (energies, counts)
    }
    let reused = XRFPipeline()
    let a = spectrum(channels: 2048, seed: 1)
    let b = spectrum(channels: 4096, seed: 2)
    _ = reused.analyze(energies: a.energies, counts: a.counts)
    let afterChange = reused.analyze(energies: b.energies, counts: b.counts)
    let fresh = XRFPipeline().analyze(energies: b.energies, counts: b.counts)
    #expect(afterChange.mgCaRatio == fresh.mgCaRatio)
    #expect(afterChange.calcium.area == fresh.calcium.area)
    #expect(afterChange.calcium.area > 0)
  }
}
