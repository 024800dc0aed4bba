import SampleModels
import Testing
import WhitlockCore

@testable import Simulation

@Suite struct XRFSampleModelTests {
  @Test(arguments: [1024, 2048, 4096, 8192])
  func caKAlphaPeaksWithinOneChannelOfItsEnergy(channelCount: Int) {
    var model = XRFSampleModel(channelCount: channelCount)
    model.keVPerChannel = 20.48 / Double(channelCount)
    var random = RandomSource(seed: 4)
    let spectrum = model.spectrum(for: XRFComposition(mgToCaMolar: 0.05), random: &random)
    #expect(spectrum.counts.count == channelCount)
    let energies = (0..<channelCount).map { model.axisCalibration.axisValue(atChannel: Double($0)) }
    let window = energies.indices.filter { energies[$0] > 3.6 && energies[$0] < 3.78 }
    let rates = model.expectedRates(for: XRFComposition(mgToCaMolar: 0.05))
    let peak = window.max { rates[$0] < rates[$1] }!
    #expect(abs(energies[peak] - 3.691) <= model.keVPerChannel)
    // The centroid of the recorded counts agrees too (≈ 40 000 counts: statistical error ≪ 1 ch).
    let total = window.reduce(0.0) { $0 + Double(spectrum.counts[$1]) }
    let centroid = window.reduce(0.0) { $0 + energies[$1] * Double(spectrum.counts[$1]) } / total
    #expect(abs(centroid - 3.691) <= model.keVPerChannel)
  }

  @Test func resolutionFollowsTheFanoLaw() {
    let model = XRFSampleModel()
    let atManganese = model.fwhm(atEnergy: 5.895)
    #expect(atManganese >= 0.135 && atManganese <= 0.140)
    #expect(model.fwhm(atEnergy: 1.254) < model.fwhm(atEnergy: 3.691))
  }

  @Test func magnesiumIntensityIsMolarRatioTimesCalciumTimesSensitivity() {
    let model = XRFSampleModel()
    let lines = model.lines(for: XRFComposition(mgToCaMolar: 0.11))
    let mg = lines.first { $0.name == "Mg Ka" }!.rate
    let ca = lines.first { $0.name == "Ca Ka" }!.rate
    #expect(abs(mg - 0.11 * ca * model.relativeSensitivityMgToCa) < 1e-9)
  }

  @Test func escapePeakAppearsBelowCalcium() {
    let model = XRFSampleModel()
    let rates = model.expectedRates(for: XRFComposition(mgToCaMolar: 0, phosphorusStrength: 0))
    let without = {
      var copy = model
      copy.escapeFraction = 0
      return copy.expectedRates(for: XRFComposition(mgToCaMolar: 0, phosphorusStrength: 0))
    }()
    let escapeChannel = Int(((3.691 - 1.74) - model.offsetKeV) / model.keVPerChannel)
    #expect(rates[escapeChannel] > without[escapeChannel] * 1.2)
  }

  @Test func deadTimeGrowsWithCountRate() {
    var model = XRFSampleModel()
    var random = RandomSource(seed: 9)
    let composition = XRFComposition(mgToCaMolar: 0.05)
    let low = model.spectrum(for: composition, random: &random)
    model.fluxScale = 20
    let high = model.spectrum(for: composition, random: &random)
    #expect(low.liveTimeSeconds <= low.realTimeSeconds)
    #expect(high.deadTimeFraction > low.deadTimeFraction + 0.1)
    #expect(high.inputCountRate > 15 * low.inputCountRate)
    #expect(high.outputCountRate < high.inputCountRate)
    let stored = Double(high.counts.reduce(0) { $0 + Int($1) })
    #expect(abs(stored / high.realTimeSeconds - high.outputCountRate) < 1e-6)
  }

  @Test func spectraAreDeterministicAndPoissonDistributed() {
    let model = XRFSampleModel()
    let composition = XRFComposition(mgToCaMolar: 0.08)
    var a = RandomSource(seed: 30)
    var b = RandomSource(seed: 30)
    let first = model.spectrum(for: composition, random: &a)
    #expect(first == model.spectrum(for: composition, random: &b))
    // Total counts in the Ca Kα window agree with rate × live time within 5σ.
    let rates = model.expectedRates(for: composition)
    let window = 360..<378
    let expected = window.reduce(0.0) { $0 + rates[$1] } * first.liveTimeSeconds
    let observed = Double(window.reduce(0) { $0 + Int(first.counts[$1]) })
    #expect(abs(observed - expected) < 5 * expected.squareRoot())
  }
}
