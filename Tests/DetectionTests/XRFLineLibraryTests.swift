import SampleModels
import Simulation
import Testing
import WhitlockCore

@testable import Detection

/// The line library's tables and the rules that come from them: no negative Mg/Ca in a record.
@Suite struct XRFLineLibraryTests {
  @Test func everyElementFromSodiumToStrontiumHasItsKLines() {
    let numbers = XRFLineLibrary.kFamilies.map(\.atomicNumber)
    #expect(numbers == Array(11...38))
    var previous = 0.0
    for family in XRFLineLibrary.kFamilies {
      // Moseley: Kα rises with Z; Kβ above Kα; Kα2 at or just below Kα1.
      #expect(family.mainEnergy > previous, "\(family.name)")
      previous = family.mainEnergy
      #expect(family.lines[2].energy > family.lines[0].energy, "\(family.name)")
      #expect(family.lines[1].energy <= family.lines[0].energy, "\(family.name)")
      #expect(XRFLineLibrary.atomicWeight(family.element) != nil, "\(family.element)")
      #expect(abs(family.alphaIntensity - 1.5) < 0.03, "\(family.name)")
    }
    // Spot values of the X-ray data booklet (keV).
    for (element, energy) in [("Mg", 1.2536), ("Ca", 3.69168), ("Fe", 6.40384), ("Sr", 14.165)] {
      #expect(abs((XRFLineLibrary.kFamily(element)?.mainEnergy ?? 0) - energy) < 1e-9, "\(element)")
    }
    #expect(abs((XRFLineLibrary.lFamily("Rh")?.mainEnergy ?? 0) - 2.69674) < 1e-9)
  }

  @Test func escapeFractionFallsWithEnergyAboveTheSiliconEdge() {
    #expect(XRFLineLibrary.siliconEscapeFraction(1.74) == 0)
    let calcium = XRFLineLibrary.siliconEscapeFraction(3.69)
    let iron = XRFLineLibrary.siliconEscapeFraction(6.40)
    #expect(calcium > iron)
    // Si-detector escape ratios are about 1 % at Ca Kα and a few per mille at Fe Kα.
    #expect((0.005...0.015).contains(calcium), "\(calcium)")
    #expect((0.001...0.006).contains(iron), "\(iron)")
  }

  /// Spectra without Mg (and with little): no record carries a negative Mg/Ca; below detection
  /// the ratio is absent, flagged, and the limit is given.
  @Test func magnesiumBelowDetectionIsALimitNotANegativeRatio() throws {
    var settings = XRFPipelineSettings()
    settings.relativeSensitivityFactor = 0.07
    let pipeline = XRFPipeline(settings: settings)
    let model = XRFSampleModel()
    var belowDetection = 0
    for seed in 0..<12 {
      var random = RandomSource(seed: 40 + UInt64(seed))
      let truth = seed % 2 == 0 ? 0.0 : 0.004
      let counts = model.spectrum(for: XRFComposition(mgToCaMolar: truth), random: &random).counts
      let result = counts.withUnsafeBufferPointer {
        pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
      }
      let json = result.jsonValue(settings: settings)
      if let ratio = json["mg_ca_ratio"]?.doubleValue {
        #expect(ratio >= 0, "seed \(seed): \(ratio)")
      } else {
        belowDetection += 1
        #expect(json["mg_ca_below_detection"] == .bool(true), "seed \(seed)")
        let limit = try #require(json["mg_ca_detection_limit"]?.doubleValue, "seed \(seed)")
        #expect(limit > 0 && limit < 0.2, "seed \(seed): \(limit)")
        #expect(result.flags.contains(.magnesiumNotSignificant))
        let evidence = XRFEvidence(result)
        #expect(evidence.mgCa == nil && evidence.mgCaDetectionLimit == limit)
      }
      #expect(json["mg_ca_ratio_basis"]?.stringValue == "molar")
    }
    #expect(belowDetection >= 6, "Mg-free spectra are below detection")
  }

  @Test func fusionUsesTheDetectionLimit() {
    let settings = FusionSettings()
    let low = XRFEvidence(mgCa: nil, mgCaSigma: nil, mgCaDetectionLimit: 0.005)
    let high = XRFEvidence(mgCa: nil, mgCaSigma: nil, mgCaDetectionLimit: 0.05)
    #expect(PointFusion.decide(raman: nil, xrf: low, settings: settings).xrfCall == "contradicts")
    #expect(PointFusion.decide(raman: nil, xrf: high, settings: settings).xrfCall == "neutral")
  }
}
