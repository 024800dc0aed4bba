import Foundation

extension XRFSampleModel {
  /// Expected rate per channel, counts/s at full live time: lines, their escape peaks and the
  /// continuum, each integrated over the channel's energy span.
  public func expectedRates(for composition: XRFComposition) -> [Double] {
    let count = max(channelCount, 0)
    var rates = [Double](repeating: 0, count: count)
    guard count > 0 else { return rates }
    var peaks = lines(for: composition)
    for line in peaks where line.energy > siliconEdge {
      peaks.append(
        XRFLine(
          name: line.name + " escape", energy: line.energy - escapeEnergy,
          rate: line.rate * escapeFraction))
    }
    let gain = keVPerChannel
    for channel in 0..<count {
      let centre = offsetKeV + gain * Double(channel)
      rates[channel] = continuum(atEnergy: centre) * abs(gain)
    }
    for peak in peaks where peak.rate > 0 {
      let sigma = fwhm(atEnergy: peak.energy) / (8 * log(2.0)).squareRoot()
      let reach = 6 * sigma
      let low = Int(((peak.energy - reach - offsetKeV) / gain).rounded(.down))
      let high = Int(((peak.energy + reach - offsetKeV) / gain).rounded(.up))
      guard gain > 0, high >= 0, low < count else { continue }
      for channel in max(low, 0)...min(high, count - 1) {
        let centre = offsetKeV + gain * Double(channel)
        let lower = (centre - gain / 2 - peak.energy) / (sigma * 2.0.squareRoot())
        let upper = (centre + gain / 2 - peak.energy) / (sigma * 2.0.squareRoot())
        rates[channel] += peak.rate * 0.5 * (erf(upper) - erf(lower))
      }
    }
    return rates
  }

  /// One recorded spectrum for `composition`: the live fraction follows from the input count
  /// rate through the paralyzable dead time, each channel is Poisson around rate × live time and
  /// clips at full scale. Deterministic given the composition and the generator state.
  public func spectrum(for composition: XRFComposition, random: inout RandomSource)
    -> SimulatedXRFSpectrum
  {
    let rates = expectedRates(for: composition)
    let realTime = max(realTimeSeconds, 0)
    let inputRate = rates.reduce(0, +)
    let liveFraction = exp(-inputRate * max(deadTimePerEvent, 0))
    let liveTime = realTime * liveFraction
    let ceiling = Int(fullScale)
    var total = 0.0
    let counts = rates.map { rate -> UInt32 in
      let value = UInt32(min(random.poisson(mean: rate * liveTime), ceiling))
      total += Double(value)
      return value
    }
    let measuredInput =
      realTime > 0 ? Double(random.poisson(mean: inputRate * realTime)) / realTime : 0
    return SimulatedXRFSpectrum(
      counts: counts, realTimeSeconds: realTime, liveTimeSeconds: liveTime,
      inputCountRate: measuredInput, outputCountRate: realTime > 0 ? total / realTime : 0)
  }
}
