import Foundation
import SampleModels
import Simulation
import Testing
import WhitlockCore

@testable import Detection

/// Collagen and lipid bands do not read as whitlockite or apatite evidence, and the open-set
/// rules: a lone band near ν1 is not a phosphate, a pattern no known phase explains is
/// `phosphate-undetermined` without a fraction.
@Suite struct TissueAndOpenSetTests {
  /// Collagen synthesised from its literature bands (Frushour & Koenig 1975; Haka et al. 2002,
  /// 2005): position, FWHM and peak height relative to the CH₂ band at 1450 cm⁻¹.
  static let collagenBands: [(centre: Double, fwhm: Double, height: Double)] = [
    (815, 14, 0.2), (855, 14, 0.45), (876, 14, 0.35), (921, 14, 0.25), (938, 18, 0.45),
    (1003, 7, 0.55), (1031, 10, 0.2), (1245, 30, 0.5), (1270, 30, 0.4), (1450, 30, 1.0),
    (1665, 45, 0.8),
  ]

  /// Lipid (breast fat) from its literature bands (Haka et al. 2002, 2005), heights relative to
  /// the CH₂ band.
  static let lipidBands: [(centre: Double, fwhm: Double, height: Double)] = [
    (1063, 12, 0.2), (1080, 20, 0.15), (1128, 12, 0.18), (1265, 20, 0.35), (1301, 25, 0.7),
    (1440, 28, 1.0), (1655, 25, 0.9), (1745, 18, 0.3),
  ]

  /// The summed Lorentzian bands at `x`, peak heights as given times `scale`.
  static func tissue(_ bands: [(centre: Double, fwhm: Double, height: Double)], at x: Double)
    -> Double
  {
    bands.reduce(0.0) { sum, band in
      let half = band.fwhm / 2
      let d = x - band.centre
      return sum + band.height * half * half / (d * d + half * half)
    }
  }

  /// Hand-made bands in Lorentzian peak-height form, for tissue added to a hand-made spectrum.
  static func handMade(
    _ bands: [(centre: Double, fwhm: Double, height: Double)], peak: Double
  ) -> [HandMadeSpectrum.Band] {
    bands.map { band in
      // A Lorentzian of FWHM w and unit area peaks at 2/(π·w).
      .init(
        centre: band.centre, fwhm: band.fwhm, area: peak * band.height * Double.pi * band.fwhm / 2)
    }
  }

  func analyze(_ spectrum: HandMadeSpectrum) -> RamanAnalysis {
    RamanPipeline().analyze(shifts: spectrum.shifts, intensities: spectrum.intensities)
  }

  /// Bone-like: carbonated apatite (ν1 959, ν3, carbonate 1072) in collagen as strong as the
  /// apatite (collagen's 921 band alone then holds more area than whitlockite's HPO₄ would at a
  /// fraction of 1), with fat: apatite, fraction at most 0.1.
  @Test(arguments: [0.3, 0.6, 1.0])
  func boneLikeApatiteInCollagenIsNotWhitlockite(collagenShare: Double) throws {
    for seed in 1...4 as ClosedRange<UInt64> {
      let nu1Peak = 50000 * 2 / (Double.pi * 14)
      let spectrum = HandMadeSpectrum(
        points: 1600, lower: 300, upper: 1900,
        bands: [
          .init(centre: 959, fwhm: 14, area: 50000), .init(centre: 1072, fwhm: 14, area: 6000),
          .init(centre: 1046, fwhm: 20, area: 5000),
        ] + Self.handMade(Self.collagenBands, peak: collagenShare * nu1Peak)
          + Self.handMade(Self.lipidBands, peak: 0.3 * nu1Peak), noise: 20, seed: seed)
      let result = analyze(spectrum)
      #expect(result.tissue.collagenFound, "collagen \(collagenShare) seed \(seed)")
      #expect(result.phase != .whitlockite && result.phase.group != "whitlockite-group")
      let fraction = try #require(result.whitlockiteFraction, "collagen \(collagenShare)")
      #expect(fraction <= 0.1, "collagen \(collagenShare) seed \(seed): \(fraction)")
    }
  }

  /// Measured apatites (RRUFF hydroxylapatite and fluorapatite, every laser) with the
  /// literature-synthesised collagen and lipid spectra added, collagen's CH₂ peak at 0.3, 0.6
  /// and 1.0 of the apatite ν1 peak: never whitlockite(-group); named apatite, the fraction is
  /// at most 0.1. (Where the ν3 band drowns, `phosphate-undetermined` carries the position
  /// estimate with its σ of 0.5: the 780 nm fluorapatite at 0.3 reads 0.32.)
  @Test(
    .enabled(if: ReferenceSpectraTests.available, "../shared/data/raman-reference is absent"),
    arguments: [0.3, 0.6, 1.0])
  func measuredApatiteWithCollagenIsNotWhitlockite(collagenShare: Double) throws {
    let names = try FileManager.default.contentsOfDirectory(
      atPath: ReferenceSpectraTests.directory.path
    ).filter {
      ($0.hasPrefix("hydroxylapatite_") || $0.hasPrefix("fluorapatite_")) && $0.hasSuffix(".txt")
    }.sorted()
    #expect(!names.isEmpty)
    for name in names {
      let (shifts, intensities) = try ReferenceSpectraTests.ramanSpectrum(name)
      var peak = 0.0
      for (x, y) in zip(shifts, intensities) where (950...970).contains(x) { peak = max(peak, y) }
      let mixed = zip(shifts, intensities).map { x, y in
        y + collagenShare * peak * Self.tissue(Self.collagenBands, at: x) + 0.2 * peak
          * Self.tissue(Self.lipidBands, at: x)
      }
      let result = RamanPipeline().analyze(shifts: shifts, intensities: mixed)
      let label = "\(name) collagen \(collagenShare)"
      #expect(result.phase.group != "whitlockite-group", "\(label): \(result.phase)")
      if result.phase == .apatite, let fraction = result.whitlockiteFraction {
        #expect(fraction <= 0.1, "\(label): \(fraction)")
      }
    }
  }

  /// The simulator's tissue with collagen and lipid at realistic strengths (1) and doubled,
  /// over apatite (weak and typical calcifications) and alone: no whitlockite fraction above 0.1
  /// on apatite, none at all on tissue without calcification.
  @Test(arguments: [1.0, 2.0])
  func simulatedTissueGivesNoWhitlockiteFraction(tissueAmount: Double) throws {
    var model = RamanSampleModel(pixelCount: 1024)
    model.integrationSeconds = 2
    model.cosmicRayRate = 0
    let pipeline = RamanPipeline()
    for (index, strength) in [0.0, 0.3, 1.0].enumerated() {
      for draw in 0..<6 {
        var composition =
          strength > 0
          ? RamanComposition.phosphate(
            strength: strength, whitlockiteFraction: 0, carbonateAmount: 0.08)
          : RamanComposition()
        composition.collagenStrength = tissueAmount
        composition.lipidStrength = tissueAmount
        var random = RandomSource(seed: 29, stream: UInt64(index * 10 + draw))
        let counts = model.counts(for: composition, random: &random)
        let result = counts.withUnsafeBufferPointer {
          pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
        }
        let label = "tissue \(tissueAmount) apatite \(strength) draw \(draw)"
        if strength == 0 {
          #expect(result.whitlockiteFraction == nil, "\(label)")
          #expect(result.calcificationType == .none, "\(label): \(result.phase)")
        } else {
          let fraction = try #require(result.whitlockiteFraction, "\(label)")
          #expect(fraction <= 0.1, "\(label): \(fraction)")
          #expect(result.phase.group != "whitlockite-group", "\(label)")
        }
      }
    }
  }

  /// Whitlockite in the same tissue is still named and quantified: the collagen correction
  /// takes out collagen's 921 band, not whitlockite's HPO₄.
  @Test func simulatedWhitlockiteInTissueKeepsItsFraction() throws {
    var model = RamanSampleModel(pixelCount: 1024)
    model.integrationSeconds = 2
    model.cosmicRayRate = 0
    let pipeline = RamanPipeline()
    var errors: [Double] = []
    for draw in 0..<8 {
      var random = RandomSource(seed: 31, stream: UInt64(draw))
      let counts = model.counts(
        for: .phosphate(whitlockiteFraction: 0.8, carbonateAmount: 0.04), random: &random)
      let result = counts.withUnsafeBufferPointer {
        pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
      }
      errors.append(abs(try #require(result.whitlockiteFraction) - 0.8))
    }
    let mae = errors.reduce(0, +) / Double(errors.count)
    #expect(mae < 0.2, "MAE \(mae)")
  }

  /// A sulfite band at ≈ 967 cm⁻¹ with no other phosphate band, in tissue: not a phosphate, no
  /// fraction, the band named as unassigned.
  @Test func aLoneBandNearNu1IsNotAPhosphate() {
    for seed in 1...5 as ClosedRange<UInt64> {
      let spectrum = HandMadeSpectrum(
        bands: [.init(centre: 967, fwhm: 8, area: 30000)] + HandMadeSpectrum.tissue(0.3),
        noise: 25, seed: seed)
      let result = analyze(spectrum)
      #expect(result.whitlockiteFraction == nil, "seed \(seed)")
      #expect(!result.phosphateDetected, "seed \(seed)")
      #expect(result.calcificationType == .none, "seed \(seed): \(result.phase)")
      #expect(result.openSet.loneBand, "seed \(seed)")
      #expect(result.flags.contains(.unassignedBand), "seed \(seed)")
      #expect(result.openSet.residualCount == 1)
      #expect(abs(result.openSet.residual(0).centre - 967) < 3, "seed \(seed)")
    }
  }

  /// A phosphate-like pattern no known phase explains: ν1 near 972 with a band near 925 that
  /// holds 40 % of its area (whitlockite's HPO₄ holds 5–11 %) and no ν3: undetermined, the
  /// band named, the misfit reported, no whitlockite fraction near 1 (none at all).
  @Test func anUnknownPhosphatePatternIsUndetermined() throws {
    for seed in 1...5 as ClosedRange<UInt64> {
      let spectrum = HandMadeSpectrum(
        bands: [
          .init(centre: 972, fwhm: 9, area: 40000), .init(centre: 925, fwhm: 9, area: 16000),
        ] + HandMadeSpectrum.tissue(0.3), noise: 25, seed: seed)
      let result = analyze(spectrum)
      #expect(result.phase == .phosphateUndetermined, "seed \(seed): \(result.phase)")
      #expect(result.whitlockiteFraction == nil, "seed \(seed)")
      #expect(result.flags.contains(.unassignedBand), "seed \(seed)")
      #expect(!result.openSet.patternFits)
      let named = (0..<result.openSet.residualCount).map { result.openSet.residual($0).centre }
      #expect(named.contains { abs($0 - 925) < 4 }, "seed \(seed): \(named)")
      #expect(try #require(result.openSet.phosphateMisfit).isFinite, "seed \(seed)")
    }
  }

  /// The record carries the tissue and open-set objects.
  @Test func theRecordNamesTissueAndResidualBands() throws {
    let spectrum = HandMadeSpectrum(
      bands: [.init(centre: 967, fwhm: 8, area: 30000)] + HandMadeSpectrum.tissue(0.3),
      noise: 25)
    let settings = RamanPipelineSettings()
    let json = analyze(spectrum).jsonValue(settings: settings)
    let openSet = try #require(json["open_set"])
    #expect(openSet["lone_band"] == .bool(true))
    guard case .array(let residuals) = try #require(openSet["residual_bands"]) else {
      Issue.record("residual_bands is not an array")
      return
    }
    let residual = try #require(residuals.first)
    #expect(abs((residual["centre_cm1"]?.doubleValue ?? 0) - 967) < 3)
    let tissue = try #require(json["tissue"])
    #expect(tissue["collagen_found"] != nil)
    guard case .array(let subtracted) = try #require(tissue["subtracted"]) else {
      Issue.record("subtracted is not an array")
      return
    }
    #expect(subtracted.count == 4)
  }
}
