import Foundation
import WhitlockCore

extension RamanSampleModel {
  /// Every band present for `composition`, with absolute area rates (counts/s at unit QE).
  public func bands(for composition: RamanComposition) -> [RamanBand] {
    var result: [RamanBand] = []
    let tissue = max(composition.tissueStrength, 0)
    for band in tissueBands {
      result.append(
        RamanBand(centre: band.centre, fwhm: band.fwhm, areaRate: band.areaRate * tissue))
    }
    let collagen = tissue * max(composition.collagenStrength, 0)
    for band in collagenBands {
      result.append(
        RamanBand(centre: band.centre, fwhm: band.fwhm, areaRate: band.areaRate * collagen))
    }
    let lipid = tissue * max(composition.lipidStrength, 0)
    for band in lipidBands {
      result.append(
        RamanBand(centre: band.centre, fwhm: band.fwhm, areaRate: band.areaRate * lipid))
    }
    switch composition.calcification {
    case .none:
      break
    case .phosphate:
      let total = phosphateAreaRate * max(composition.phosphateStrength, 0)
      let fraction = min(max(composition.whitlockiteFraction, 0), 1)
      result.append(RamanBand(centre: hapCentre, fwhm: hapFWHM, areaRate: total * (1 - fraction)))
      result.append(
        RamanBand(centre: whitlockiteCentre, fwhm: whitlockiteFWHM, areaRate: total * fraction))
      result.append(
        RamanBand(
          centre: acpCentre, fwhm: acpFWHM, areaRate: total * max(composition.acpAmount, 0)))
      result.append(
        RamanBand(
          centre: carbonateCentre, fwhm: carbonateFWHM,
          areaRate: total * max(composition.carbonateAmount, 0)))
      result.append(
        RamanBand(
          centre: apatiteNu3Band.centre, fwhm: apatiteNu3Band.fwhm,
          areaRate: total * (1 - fraction) * apatiteNu3Band.areaRate))
      result.append(
        RamanBand(
          centre: whitlockiteHPO4Band.centre, fwhm: whitlockiteHPO4Band.fwhm,
          areaRate: total * fraction * whitlockiteHPO4Band.areaRate))
      for band in phosphateSecondaryBands {
        result.append(
          RamanBand(centre: band.centre, fwhm: band.fwhm, areaRate: total * band.areaRate))
      }
    case .oxalate:
      let total = oxalateAreaRate * max(composition.oxalateStrength, 0)
      let dihydrate = min(max(composition.oxalateDihydrateFraction, 0), 1)
      for band in monohydrateBands {
        result.append(
          RamanBand(
            centre: band.centre, fwhm: band.fwhm, areaRate: total * (1 - dihydrate) * band.areaRate)
        )
      }
      for band in dihydrateBands {
        result.append(
          RamanBand(
            centre: band.centre, fwhm: band.fwhm, areaRate: total * dihydrate * band.areaRate))
      }
    }
    return result.filter { $0.areaRate > 0 }
  }

  /// The Raman shift (cm⁻¹) of every pixel on the model's calibrated axis.
  public func ramanShifts() -> [Double] {
    var axis: [Double] = []
    axisCalibration.fillAxis(&axis, count: pixelCount)
    return axis
  }

  /// Noise-free expected counts per pixel for `composition` (offset and dark charge included,
  /// no clipping, no cosmic rays).
  public func expectedCounts(for composition: RamanComposition) -> [Double] {
    let count = max(pixelCount, 0)
    guard count > 0 else { return [] }
    let coefficients = wavelengthCoefficients
    let excitation = excitationNanometres
    func wavelength(_ pixel: Double) -> Double {
      var value = 0.0
      for coefficient in coefficients.reversed() { value = value * pixel + coefficient }
      return value
    }
    // The Raman shift at every pixel edge (pixel − 0.5 … last pixel + 0.5), each computed once.
    var edges = [Double](repeating: 0, count: count + 1)
    for edge in 0...count {
      edges[edge] = RamanShift.wavenumbers(
        excitationNanometres: excitation, wavelengthNanometres: wavelength(Double(edge) - 0.5))
    }
    let shapes = bands(for: composition).map {
      BandShape($0, lorentzianFraction: lorentzianFraction)
    }
    let time = max(integrationSeconds, 0)
    let fluorescenceScale = max(composition.fluorescenceStrength, 0)
    var expected = [Double](repeating: 0, count: count)
    for pixel in 0..<count {
      let position = Double(pixel)
      let lambda = wavelength(position)
      let shift = RamanShift.wavenumbers(
        excitationNanometres: excitation, wavelengthNanometres: lambda)
      let pixelWidth = abs(edges[pixel + 1] - edges[pixel])
      var density = fluorescence(atShift: shift) * fluorescenceScale
      for shape in shapes { density += shape.density(atShift: shift) }
      let signal = time * quantumEfficiency(atWavelength: lambda) * pixelWidth * density
      expected[pixel] = baselineOffset + darkCurrent * time + signal
    }
    return expected
  }

  /// What every exposure of one composition shares: the noise-free expected counts and the
  /// per-pixel Poisson samplers of the collected charge.
  ///
  /// A probe rests on a point for several exposures, so a simulated instrument prepares this once
  /// per point and then only draws noise per exposure (`counts(_:random:)`).
  public struct SpectrumPlan: Sendable {
    /// The composition the plan was prepared for.
    public let composition: RamanComposition
    /// Noise-free expected counts per pixel (as `expectedCounts(for:)`).
    public let expected: [Double]
    let samplers: [PoissonSampler]
  }

  /// Prepares the noise-free part of every spectrum of `composition`.
  public func spectrumPlan(for composition: RamanComposition) -> SpectrumPlan {
    let expected = expectedCounts(for: composition)
    let samplers = expected.map { PoissonSampler(mean: max($0 - baselineOffset, 0)) }
    return SpectrumPlan(composition: composition, expected: expected, samplers: samplers)
  }

  /// One recorded spectrum for `composition`: shot noise on signal and dark charge, read noise,
  /// cosmic-ray spikes, rounding and clipping to `0…fullScale`.
  ///
  /// Deterministic: the same composition and generator state give the same counts.
  public func counts(for composition: RamanComposition, random: inout RandomSource) -> [UInt32] {
    counts(spectrumPlan(for: composition), random: &random)
  }

  /// One recorded spectrum from a prepared plan; the same counts as `counts(for:random:)` with the
  /// plan's composition and the same generator state.
  public func counts(_ plan: SpectrumPlan, random: inout RandomSource) -> [UInt32] {
    let count = plan.samplers.count
    var charge = [Double](repeating: 0, count: count)
    let offset = baselineOffset
    let noise = readNoise
    plan.samplers.withUnsafeBufferPointer { samplers in
      charge.withUnsafeMutableBufferPointer { charge in
        var pixel = 0
        while pixel < count {
          let (first, second) = random.gaussianPair()
          charge[pixel] = Double(random.poisson(samplers[pixel])) + offset + noise * first
          if pixel + 1 < count {
            charge[pixel + 1] =
              Double(random.poisson(samplers[pixel + 1])) + offset + noise * second
          }
          pixel += 2
        }
      }
    }
    addCosmicRays(to: &charge, random: &random)
    let ceiling = Double(fullScale)
    return charge.map { value in
      UInt32(min(max(value.rounded(), 0), ceiling))
    }
  }

  /// Adds a Poisson number of cosmic-ray hits (rate × integration time), each one to three
  /// adjacent pixels tall, the first pixel taking most of the charge.
  private func addCosmicRays(to charge: inout [Double], random: inout RandomSource) {
    guard !charge.isEmpty else { return }
    let events = random.poisson(mean: cosmicRayRate * max(integrationSeconds, 0))
    for _ in 0..<events {
      let start = Int(random.next() % UInt64(charge.count))
      let width = 1 + Int(random.next() % 3)
      let height = random.uniform(in: cosmicRayHeight.lowerBound, cosmicRayHeight.upperBound)
      var share = 1.0
      for offset in 0..<width where start + offset < charge.count {
        charge[start + offset] += height * share
        share *= 0.35
      }
    }
  }
}

/// A band's pseudo-Voigt with its constants worked out once per spectrum instead of once per pixel.
private struct BandShape {
  let centre: Double
  /// areaRate · η · (FWHM/2) / π: the Lorentzian numerator.
  let lorentzianScale: Double
  let halfWidthSquared: Double
  /// areaRate · (1 − η) / (σ √(2π)): the Gaussian's peak.
  let gaussianScale: Double
  let inverseSigma: Double

  init(_ band: RamanBand, lorentzianFraction: Double) {
    let eta = min(max(lorentzianFraction, 0), 1)
    let halfWidth = band.fwhm / 2
    centre = band.centre
    lorentzianScale = eta > 0 ? band.areaRate * eta * halfWidth / Double.pi : 0
    halfWidthSquared = halfWidth * halfWidth
    let sigma = band.fwhm / (8 * log(2.0)).squareRoot()
    gaussianScale = eta < 1 ? band.areaRate * (1 - eta) / (sigma * (2 * Double.pi).squareRoot()) : 0
    inverseSigma = 1 / sigma
  }

  /// Counts per second per cm⁻¹ at `shift` (as `RamanBand.density(atShift:lorentzianFraction:)`).
  func density(atShift shift: Double) -> Double {
    let offset = shift - centre
    var value = 0.0
    if lorentzianScale != 0 { value = lorentzianScale / (offset * offset + halfWidthSquared) }
    let z = offset * inverseSigma
    // Beyond 40 σ the Gaussian term is exactly zero in double precision (e^−800 underflows).
    if gaussianScale != 0, abs(z) < 40 { value += gaussianScale * exp(-0.5 * z * z) }
    return value
  }
}
