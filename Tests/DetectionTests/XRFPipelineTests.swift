import SampleModels
import Simulation
import Testing
import WhitlockCore

@testable import Detection

@Suite struct XRFPipelineTests {
  func pipeline(rsf: Double? = 0.07) -> XRFPipeline {
    var settings = XRFPipelineSettings()
    settings.relativeSensitivityFactor = rsf
    return XRFPipeline(settings: settings)
  }

  func analyze(_ pipeline: XRFPipeline, _ model: XRFSampleModel, _ counts: [UInt32])
    -> XRFAnalysis
  {
    counts.withUnsafeBufferPointer {
      pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
    }
  }

  /// With the RSF a standard would give (the model's sensitivity), Mg/Ca comes back within its
  /// statistics, and the re-fit beats the SNIP-only area whose background misses the bend.
  @Test func recoversMolarMgCaAtHighCounts() throws {
    var model = XRFSampleModel()
    model.realTimeSeconds = 100
    let pipeline = pipeline()
    var pulls: [Double] = []
    var refitErrors: [Double] = []
    var snipErrors: [Double] = []
    for (index, truth) in [0.03, 0.06, 0.11].enumerated() {
      var random = RandomSource(seed: 11, stream: UInt64(index))
      let counts = model.spectrum(for: XRFComposition(mgToCaMolar: truth), random: &random).counts
      let result = analyze(pipeline, model, counts)
      let ratio = try #require(result.mgCaRatio)
      let sigma = try #require(result.mgCaRatioSigma)
      pulls.append((ratio - truth) / sigma)
      refitErrors.append(abs(ratio - truth) / truth)
      snipErrors.append(abs(result.magnesiumSNIP.area / result.calcium.area / 0.07 - truth) / truth)
      #expect(!result.flags.contains(.uncalibrated))
      #expect(abs(result.calciumEnergyOffset) < 0.02)
    }
    #expect(pulls.allSatisfy { abs($0) < 4 }, "pulls \(pulls)")
    #expect(refitErrors.reduce(0, +) < snipErrors.reduce(0, +))
    #expect(refitErrors.allSatisfy { $0 < 0.2 }, "errors \(refitErrors)")
  }

  /// A 4096-channel spectrum (5 eV per channel) is analysed in channel pairs, a 2048-channel
  /// one as it is; summed or not, Mg/Ca agrees within its σ and the saturation count is of
  /// channels as recorded.
  @Test func fineSpectraAreAnalysedInChannelPairs() throws {
    var model = XRFSampleModel(channelCount: 4096)
    model.keVPerChannel = 0.005
    model.realTimeSeconds = 100
    var random = RandomSource(seed: 4)
    var counts = model.spectrum(for: XRFComposition(mgToCaMolar: 0.06), random: &random).counts
    var everyChannel = XRFPipelineSettings()
    everyChannel.relativeSensitivityFactor = 0.07
    everyChannel.analysisSpacing = nil
    let summed = analyze(pipeline(), model, counts)
    let plain = analyze(XRFPipeline(settings: everyChannel), model, counts)
    #expect(summed.channelsSummed == 2)
    #expect(plain.channelsSummed == 1)
    let ratio = try #require(summed.mgCaRatio)
    let reference = try #require(plain.mgCaRatio)
    let sigma = try #require(plain.mgCaRatioSigma)
    #expect(abs(ratio - reference) < sigma, "\(ratio) vs \(reference) ± \(sigma)")
    // Three saturated channels inside the fit range, two of them in one pair.
    let calcium = Int((3.69 - model.offsetKeV) / model.keVPerChannel) / 2 * 2
    for channel in [calcium, calcium + 1, calcium + 10] { counts[channel] = model.fullScale }
    #expect(analyze(pipeline(), model, counts).saturatedChannels == 3)
    var coarse = XRFSampleModel()
    random = RandomSource(seed: 4)
    coarse.realTimeSeconds = 100
    let coarseCounts = coarse.spectrum(for: XRFComposition(mgToCaMolar: 0.06), random: &random)
      .counts
    #expect(analyze(pipeline(), coarse, coarseCounts).channelsSummed == 1)
  }

  @Test func caFreeSpectrumHasNoRatio() {
    let model = XRFSampleModel()
    var random = RandomSource(seed: 2)
    let counts = model.spectrum(
      for: XRFComposition(mgToCaMolar: 0.1, calciumStrength: 0, phosphorusStrength: 0),
      random: &random
    ).counts
    let result = analyze(pipeline(), model, counts)
    #expect(result.mgCaRatio == nil)
    #expect(result.flags.contains(.lowSNR))
  }

  @Test func uncalibratedIsFlaggedAndWrongAxisRefused() {
    let model = XRFSampleModel()
    var random = RandomSource(seed: 3)
    let counts = model.spectrum(for: XRFComposition(mgToCaMolar: 0.05), random: &random).counts
    #expect(analyze(pipeline(rsf: nil), model, counts).flags.contains(.uncalibrated))
    let refused = counts.withUnsafeBufferPointer {
      pipeline().analyze(
        counts: $0,
        axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785),
        fullScale: 100)
    }
    #expect(refused.flags.contains(.axisUnsupported))
  }

  @Test func pathologicalSpectraStayFinite() throws {
    let pipeline = pipeline()
    let energies = (0..<2048).map { 0.01 * Double($0) }
    for counts in [
      [Double](repeating: 0, count: 2048), (0..<2048).map { Double($0 % 2) * 1e9 },
      (0..<2048).map { _ in Double.nan },
    ] {
      let result = pipeline.analyze(energies: energies, counts: counts)
      let json = result.jsonValue(settings: pipeline.settings)
      #expect(allNumbersFinite(json))
      #expect(try roundTrips(json))
      #expect(json["mg_ca_ratio"] != nil && json["mg_ca_ratio_sigma"] != nil)
    }
  }
}
