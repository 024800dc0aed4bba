import Testing
import WhitlockCore

@testable import Detection

@Suite struct PointFusionTests {
  let settings = FusionSettings()

  func raman(_ fraction: Double?, _ sigma: Double? = 0.02, poor: Bool = false) -> RamanEvidence {
    RamanEvidence(
      fraction: fraction, fractionSigma: fraction == nil ? nil : sigma,
      calcificationType: fraction == nil ? .none : .phosphate, poorQuality: poor)
  }

  @Test func ruleTable() {
    let cases: [(RamanEvidence?, XRFEvidence?, WhitlockiteVerdict)] = [
      (raman(0.5), nil, .present),
      (raman(0.5), XRFEvidence(mgCa: 0.06, mgCaSigma: 0.005), .present),
      (raman(0.5), XRFEvidence(mgCa: 0.001, mgCaSigma: 0.001), .indeterminate),
      (raman(0.02), XRFEvidence(mgCa: 0.08, mgCaSigma: 0.005), .absent),
      (raman(0.16, 0.05), nil, .indeterminate),
      (raman(nil), nil, .absent),
      (raman(nil, poor: true), nil, .indeterminate),
      (nil, XRFEvidence(mgCa: 0.1, mgCaSigma: 0.01), .indeterminate),
    ]
    for (r, x, expected) in cases {
      #expect(PointFusion.decide(raman: r, xrf: x, settings: settings).verdict == expected)
    }
    var strict = FusionSettings()
    strict.requireXRF = true
    #expect(
      PointFusion.decide(raman: raman(0.5), xrf: nil, settings: strict).verdict == .indeterminate)
  }

  /// A run of any length keeps evidence for a bounded number of points and runs, while its
  /// tally still counts every point and spectrum.
  @Test func memoryStaysBoundedOverLongRunsAndManyRuns() {
    var fusion = PointFusion(settings: settings, pointCapacity: 100, runCapacity: 3)
    for index in 0..<10_000 {
      let point = "P\(index)"
      _ = fusion.record(raman: raman(0.5), run: "long", point: point)
      _ = fusion.record(xrf: XRFEvidence(mgCa: 0.08, mgCaSigma: 0.005), run: "long", point: point)
    }
    #expect(fusion.retainedPoints == 100)
    let tally = fusion.tally(run: "long")
    #expect(tally.points == 10_000)
    #expect(tally.ramanSpectra == 10_000)
    #expect(tally.xrfSpectra == 10_000)
    #expect(tally.verdicts[.present] == 10_000)
    // A recent point still combines its evidence.
    let recent = fusion.record(
      xrf: XRFEvidence(mgCa: 0.001, mgCaSigma: 0.001), run: "long", point: "P9999")
    #expect(recent.verdict == .indeterminate)
    #expect(fusion.tally(run: "long").verdicts[.present] == 9_999)
    for run in 0..<10 { _ = fusion.record(raman: raman(0.5), run: "run\(run)", point: "A") }
    #expect(fusion.retainedRuns == 3)
    #expect(fusion.tally(run: "run9").points == 1)
    #expect(fusion.retainedPoints <= 100)
  }

  @Test func latestResultsPerPointAndRunSummary() throws {
    var fusion = PointFusion(settings: settings)
    _ = fusion.record(raman: raman(0.5), run: "r1", point: "A")
    let a = fusion.record(xrf: XRFEvidence(mgCa: 0.001, mgCaSigma: 0.001), run: "r1", point: "A")
    #expect(a.verdict == .indeterminate)
    #expect(a.pointID == "A")
    _ = fusion.record(raman: raman(nil), run: "r1", point: "B")
    _ = fusion.record(raman: raman(0.4), run: "r2", point: "A")
    let tally = fusion.tally(run: "r1")
    #expect(tally.points == 2)
    #expect(tally.ramanSpectra == 2)
    #expect(tally.calcificationSpectra == 1)
    #expect(tally.whitlockiteSpectra == 1)
    #expect(tally.verdicts[.indeterminate] == 1)
    #expect(tally.verdicts[.absent] == 1)
    #expect(tally.verdicts[.present, default: 0] == 0)
    let summary = fusion.summary(run: "r1")
    #expect(summary["rule"]?.stringValue?.contains("0.15") == true)
    #expect(summary["whitlockite_spectra_fraction"]?.doubleValue == 1)
    #expect(fusion.tally(run: "r2").verdicts[.present] == 1)
    let json = a.jsonValue(settings: settings)
    #expect(json["whitlockite"]?.stringValue == "indeterminate")
    #expect(json["thresholds"]?["fraction_threshold"]?.doubleValue == 0.15)
  }
}
