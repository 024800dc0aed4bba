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
    let calibration = axisCalibration
    let activeBands = bands(for: composition)
    let time = max(integrationSeconds, 0)
    let fluorescenceScale = max(composition.fluorescenceStrength, 0)
    var expected = [Double](repeating: 0, count: max(pixelCount, 0))
    for pixel in 0..<expected.count {
      let position = Double(pixel)
      let wavelength = calibration.wavelength(atPixel: position) ?? excitationNanometres
      let shift = calibration.axisValue(atChannel: position)
      let pixelWidth = abs(
        calibration.axisValue(atChannel: position + 0.5)
          - calibration.axisValue(atChannel: position - 0.5))
      var density = fluorescence(atShift: shift) * fluorescenceScale
      for band in activeBands {
        density += band.density(atShift: shift, lorentzianFraction: lorentzianFraction)
      }
      let signal = time * quantumEfficiency(atWavelength: wavelength) * pixelWidth * density
      expected[pixel] = baselineOffset + darkCurrent * time + signal
    }
    return expected
  }

  /// One recorded spectrum for `composition`: shot noise on signal and dark charge, read noise,
  /// cosmic-ray spikes, rounding and clipping to `0…fullScale`.
  ///
  /// Deterministic: the same composition and generator state give the same counts.
  public func counts(for composition: RamanComposition, random: inout RandomSource) -> [UInt32] {
    let expected = expectedCounts(for: composition)
    var charge = [Double](repeating: 0, count: expected.count)
    for pixel in 0..<expected.count {
      let mean = max(expected[pixel] - baselineOffset, 0)
      charge[pixel] =
        Double(random.poisson(mean: mean)) + baselineOffset + readNoise * random.gaussian()
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
