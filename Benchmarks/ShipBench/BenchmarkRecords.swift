import Detection
import Foundation
import SampleModels
import Simulation
import Spool
import WhitlockCore

/// Realistic 2048-pixel Raman records: simulated spectra of phosphate mixtures with the detection
/// object the real pipeline writes for them, in a run with a sample and a point id.
enum BenchmarkRecords {
  static func make(distinct: Int) -> [SpoolRecord] {
    let run = RunContext(
      runID: UUID().uuidString.lowercased(), sampleID: "B-17", operatorName: "bench",
      pointID: "p1", startedAt: Date())
    var random = RandomSource(seed: 18)
    let identity = InstrumentIdentity(
      id: "raman-bench", kind: .raman, model: "bench", serial: "B1", family: "simulated")
    let model = RamanSampleModel(pixelCount: 2048)
    let pipeline = RamanPipeline(settings: RamanPipelineSettings())
    return (0..<distinct).map { index in
      let counts = model.counts(
        for: .phosphate(whitlockiteFraction: Double(index % 8) / 10), random: &random)
      let acquisition = Acquisition(
        instrument: identity, deviceSequence: UInt64(index + 1), startedAt: Date(),
        endedAt: Date(), counts: counts, axis: model.axisCalibration, exposureSeconds: 1,
        fullScale: 65535, parameters: [("integration_time_s", .double(1))])
      let detection = pipeline.analyze(acquisition).jsonValue(settings: pipeline.settings)
      return .acquisition(run: run, acquisition: acquisition, detection: detection)
    }
  }
}
