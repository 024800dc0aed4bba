import Detection
import SampleModels
import Simulation
import TextTables
import WhitlockCore

/// Mg/Ca accuracy on simulated XRF spectra of phosphate calcifications with known molar Mg/Ca,
/// with the relative sensitivity factor set as a calibration against a standard would set it
/// (the model's Mg-to-Ca sensitivity). Compares the SNIP-only Mg area with the local re-fit on
/// raw counts at high and low counts.
struct XRFAccuracyBenchmark {
  var spectraPerLevel: Int

  func run() {
    print("== XRF Mg/Ca accuracy (simulated SDD spectra, known truth, RSF from the model) ==")
    var table = TextTable(
      layout: .figures,
      headers: [
        "channels", "real time", "mean |rel. error| SNIP Mg", "mean |rel. error| Mg re-fit",
        "mean bias re-fit", "spectra", "below detection",
      ])
    for channels in [2048, 4096] {
      for seconds in [10.0, 1.0] {
        var model = XRFSampleModel(channelCount: channels)
        model.keVPerChannel = 20.48 / Double(channels)
        model.realTimeSeconds = seconds
        var settings = XRFPipelineSettings()
        settings.relativeSensitivityFactor = model.relativeSensitivityMgToCa
        let pipeline = XRFPipeline(settings: settings)
        var snipErrors: [Double] = []
        var refitErrors: [Double] = []
        var bias = 0.0
        var belowDetection = 0
        for index in 0..<spectraPerLevel {
          var random = RandomSource(seed: 4242 + UInt64(channels), stream: UInt64(index))
          let truth = random.uniform(in: 0.02, 0.11)
          let composition = XRFComposition(
            mgToCaMolar: truth, calciumStrength: random.uniform(in: 0.4, 1.5))
          let counts = model.spectrum(for: composition, random: &random).counts
          let analysis = counts.withUnsafeBufferPointer {
            pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
          }
          if analysis.magnesiumToCalcium.belowDetection { belowDetection += 1 }
          guard let ratio = analysis.mgCaRatio else { continue }
          let snip =
            analysis.magnesiumSNIP.area / analysis.calcium.area / model.relativeSensitivityMgToCa
          snipErrors.append(abs(snip - truth) / truth)
          refitErrors.append(abs(ratio - truth) / truth)
          bias += (ratio - truth) / truth
        }
        func mean(_ values: [Double]) -> Double {
          values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        table.add([
          "\(channels)", format(seconds, 0) + " s", format(100 * mean(snipErrors), 1) + " %",
          format(100 * mean(refitErrors), 1) + " %",
          format(100 * bias / Double(max(refitErrors.count, 1)), 1) + " %",
          "\(refitErrors.count)", "\(belowDetection)",
        ])
      }
    }
    print(table.render())
    print("")
  }
}
