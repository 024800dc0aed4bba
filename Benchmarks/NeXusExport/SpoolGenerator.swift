import Detection
import Foundation
import SampleModels
import Simulation
import Spool
import WhitlockCore
import WhitlockDaemon

/// Writes a spool as whitlockd would: per run, `run-start` of a simulated Raman spectrometer
/// (2048 px) and XRF detector (2048 ch), acquisitions at measurement points (four Raman spectra
/// and one XRF spectrum per point) analysed by the real pipelines with the fused point verdict,
/// then each instrument's `run-end` with its tally and the run's fusion summary.
///
/// `distinct` bounds the number of different spectra simulated and analysed (the rest repeat
/// them, with their own point, sequence numbers and times), so very large spools are quick to
/// make; with `distinct` ≥ `spectra` every spectrum is its own.
struct SpoolGenerator {
  var spectra: Int
  var runs = 1
  var distinct = 64
  var pixels = 2048

  /// What was written.
  struct Written {
    var records = 0
    var spectra = 0
    var runIDs: [String] = []
  }

  private struct Sample {
    var counts: [UInt32]
    var raman: RamanAnalysis?
    var xrf: XRFAnalysis?
  }

  func write(to root: String) throws -> Written {
    let layout = SpoolLayout(root: root)
    try layout.create()
    let writer = try SpoolWriter(
      layout: layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(layout))
    let ramanModel = RamanSampleModel(pixelCount: pixels)
    let xrfModel = XRFSampleModel(channelCount: pixels)
    let ramanPipeline = RamanPipeline(settings: RamanPipelineSettings())
    let xrfPipeline = XRFPipeline(settings: XRFPipelineSettings())
    var random = RandomSource(seed: 2026)
    let ramanCount = max(1, distinct * 4 / 5)
    let ramanSamples: [Sample] = (0..<ramanCount).map { index in
      let fraction = Double(index % 6) / 10
      let counts = ramanModel.counts(
        for: .phosphate(whitlockiteFraction: fraction), random: &random)
      let analysis = counts.withUnsafeBufferPointer {
        ramanPipeline.analyze(counts: $0, axis: ramanModel.axisCalibration, fullScale: 65535)
      }
      return Sample(counts: counts, raman: analysis)
    }
    let xrfSamples: [Sample] = (0..<max(1, distinct - ramanCount)).map { index in
      let spectrum = xrfModel.spectrum(
        for: XRFComposition(mgToCaMolar: 0.004 * Double(index % 8)), random: &random)
      let analysis = spectrum.counts.withUnsafeBufferPointer {
        xrfPipeline.analyze(counts: $0, axis: xrfModel.axisCalibration, fullScale: 1 << 24)
      }
      return Sample(counts: spectrum.counts, xrf: analysis)
    }
    let raman = InstrumentIdentity(
      id: "raman-sim", kind: .raman, model: "simulated QE Pro", serial: "SIM-R1",
      family: "simulated", firmware: "sim 1.0")
    let xrf = InstrumentIdentity(
      id: "xrf-sim", kind: .xrf, model: "simulated X-123SDD", serial: "SIM-X1",
      family: "simulated", firmware: "6.9 Build 3")
    var written = Written()
    var clock = Date(timeIntervalSince1970: 1_780_000_000)
    let perRun = (spectra + runs - 1) / runs
    var ramanIndex = 0
    var xrfIndex = 0
    for runNumber in 0..<runs {
      let context = RunContext(
        runID: UUID().uuidString.lowercased(), sampleID: "S-\(runNumber + 1)",
        operatorName: "bench operator", pointID: nil, startedAt: clock)
      written.runIDs.append(context.runID)
      let controller = RunController(initial: context)
      let hub = FusionHub(runs: controller, settings: FusionSettings())
      for identity in [raman, xrf] {
        try writer.append(
          .runStart(
            run: context, instrument: identity,
            settings: .object([("driver", .string("simulated")), ("id", .string(identity.id))]),
            time: clock))
      }
      var counts: [String: UInt64] = [:]
      let inRun = min(perRun, spectra - written.spectra)
      for index in 0..<inRun {
        let point = "P\(index / 5 + 1)"
        let isXRF = index % 5 == 4
        let identity = isXRF ? xrf : raman
        let sample =
          isXRF
          ? xrfSamples[xrfIndex % xrfSamples.count]
          : ramanSamples[ramanIndex % ramanSamples.count]
        if isXRF { xrfIndex += 1 } else { ramanIndex += 1 }
        let exposure = isXRF ? 10.0 : 1.0
        let started = clock
        clock = clock.addingTimeInterval(exposure)
        counts[identity.id, default: 0] += 1
        let acquisition = Acquisition(
          instrument: identity, deviceSequence: counts[identity.id]!, startedAt: started,
          endedAt: clock, counts: sample.counts,
          axis: isXRF ? xrfModel.axisCalibration : ramanModel.axisCalibration,
          exposureSeconds: exposure, fullScale: isXRF ? 1 << 24 : 65535,
          parameters: [("point_id", .string(point))] + (isXRF ? [("gain", .string("50.0"))] : []))
        var detection: JSONValue
        let fusion: JSONValue?
        if let analysis = sample.raman {
          detection = analysis.jsonValue(settings: ramanPipeline.settings)
          fusion = hub.record(raman: analysis, of: acquisition)
        } else {
          let analysis = sample.xrf!
          detection = analysis.jsonValue(settings: xrfPipeline.settings)
          fusion = hub.record(xrf: analysis, of: acquisition)
        }
        if let fusion, case .object(let members) = detection {
          detection = .object(members + [("fusion", fusion)])
        }
        try writer.append(
          .acquisition(run: context, acquisition: acquisition, detection: detection))
        written.spectra += 1
      }
      for identity in [raman, xrf] {
        let done = counts[identity.id] ?? 0
        var summary = RunSummary(
          reason: "stopped", acquisitionsCompleted: done, acquisitionsSpooled: done)
        summary.fusion = hub.summary(run: context.runID)
        try writer.append(
          .runEnd(run: context, instrument: identity, summary: summary, time: clock))
      }
      clock = clock.addingTimeInterval(60)
    }
    try writer.publish()
    written.records = Int(writer.statistics.recordsWritten)
    return written
  }
}
