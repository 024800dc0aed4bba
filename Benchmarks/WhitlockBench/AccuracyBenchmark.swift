import Detection
import SampleModels
import Simulation
import TextTables
import WhitlockCore

/// Accuracy of the whitlockite fraction on simulated spectra with known truth, over several
/// signal-to-noise levels, for the Swift pipeline and the Python reference on the same spectra.
///
/// Each level draws phosphate calcifications like the daemon's simulated schedule (fraction
/// uniform in 0–0.7, band strength 0.4–1.5, some ACP and carbonate) plus soft-tissue and oxalate
/// spectra (truth: no whitlockite). Signal-to-noise is set by the integration time. A spectrum is
/// called "present" when its fraction is ≥ 0.15 (the default fusion threshold); a null fraction
/// (no phosphate band) counts as "absent".
struct AccuracyBenchmark {
  var spectraPerLevel: Int
  var reference: PythonReference?

  static let presenceThreshold = 0.15
  static let levels: [(name: String, seconds: Double)] = [
    ("high (2 s)", 2), ("typical (1 s)", 1), ("low (0.2 s)", 0.2), ("very low (0.05 s)", 0.05),
  ]

  struct Sample {
    var counts: [UInt32]
    var truth: Double?
  }

  func spectra(model: RamanSampleModel, seed: UInt64) -> [Sample] {
    var samples: [Sample] = []
    let negatives = max(spectraPerLevel / 4, 1)
    for index in 0..<(spectraPerLevel + 2 * negatives) {
      var draw = RandomSource(seed: seed, stream: UInt64(index))
      var noise = RandomSource(seed: seed ^ 0xA5A5, stream: UInt64(index))
      let composition: RamanComposition
      var truth: Double?
      if index < spectraPerLevel {
        let fraction = draw.uniform(in: 0, 0.7)
        composition = .phosphate(
          strength: draw.uniform(in: 0.4, 1.5), whitlockiteFraction: fraction,
          acpAmount: draw.uniform(in: 0, 0.08), carbonateAmount: draw.uniform(in: 0.02, 0.15))
        truth = fraction
      } else if index < spectraPerLevel + negatives {
        composition = RamanComposition()
      } else {
        composition = .oxalate(
          strength: draw.uniform(in: 0.4, 1.5), dihydrateFraction: draw.uniform())
      }
      samples.append(Sample(counts: model.counts(for: composition, random: &noise), truth: truth))
    }
    return samples
  }

  struct Score {
    var absoluteErrors: [Double] = []
    var missing = 0
    var correctCalls = 0
    var calls = 0
    var meanAbsoluteError: Double {
      absoluteErrors.isEmpty ? .nan : absoluteErrors.reduce(0, +) / Double(absoluteErrors.count)
    }
    var accuracy: Double { calls == 0 ? .nan : Double(correctCalls) / Double(calls) }

    mutating func add(estimate: Double?, truth: Double?) {
      let truthPresent = (truth ?? 0) >= AccuracyBenchmark.presenceThreshold
      let called = (estimate ?? 0) >= AccuracyBenchmark.presenceThreshold
      calls += 1
      if truthPresent == called { correctCalls += 1 }
      guard let truth else { return }
      if let estimate { absoluteErrors.append(abs(estimate - truth)) } else { missing += 1 }
    }
  }

  func run() {
    print("== Raman whitlockite fraction accuracy (simulated spectra, known truth) ==")
    print(
      "\(spectraPerLevel) phosphate + \(2 * max(spectraPerLevel / 4, 1)) tissue/oxalate spectra"
        + " per level; present = fraction ≥ \(format(Self.presenceThreshold, 2))")
    var table = TextTable(
      layout: .figures,
      headers: [
        "pixels", "SNR level", "ν1 peak SNR", "Swift MAE", "Python MAE", "MAE ratio",
        "Swift no-fraction", "Python failed", "Swift present/absent", "Python present/absent",
      ])
    for pixels in [1024, 2048] {
      for (levelIndex, level) in Self.levels.enumerated() {
        var model = RamanSampleModel(pixelCount: pixels)
        model.integrationSeconds = level.seconds
        let samples = spectra(model: model, seed: 0xB0B0 + UInt64(levelIndex))
        let pipeline = RamanPipeline()
        var ours = Score()
        for sample in samples {
          let analysis = sample.counts.withUnsafeBufferPointer {
            pipeline.analyze(counts: $0, axis: model.axisCalibration, fullScale: model.fullScale)
          }
          ours.add(estimate: analysis.whitlockiteFraction, truth: sample.truth)
        }
        var theirs = Score()
        var pythonFailed = "–"
        if let reference,
          let output = reference.run(axis: model.ramanShifts(), spectra: samples.map(\.counts))
        {
          var failures = 0
          for (sample, fraction) in zip(samples, output.fractions) {
            if fraction.isNaN { failures += 1 }
            theirs.add(estimate: fraction.isNaN ? nil : fraction, truth: sample.truth)
          }
          pythonFailed = "\(failures)"
        }
        table.add([
          "\(pixels)", level.name, format(peakSNR(model), 1), format(ours.meanAbsoluteError, 4),
          format(theirs.meanAbsoluteError, 4),
          format(ours.meanAbsoluteError / theirs.meanAbsoluteError, 2),
          "\(ours.missing)/\(spectraPerLevel)", pythonFailed, format(ours.accuracy, 3),
          format(theirs.accuracy, 3),
        ])
      }
    }
    print(table.render())
    print("MAE over phosphate spectra that got a fraction; ratio < 1 means Swift is better.\n")
  }

  /// Peak height of a typical (strength 1, fraction 0.3) ν1 band over the noise at its pixel.
  func peakSNR(_ model: RamanSampleModel) -> Double {
    let with = model.expectedCounts(for: .phosphate(whitlockiteFraction: 0.3))
    let without = model.expectedCounts(for: RamanComposition())
    let shifts = model.ramanShifts()
    var best = 0
    for index in shifts.indices where abs(shifts[index] - 963) < abs(shifts[best] - 963) {
      best = index
    }
    let signal = with[best] - without[best]
    let variance = max(with[best] - model.baselineOffset, 0) + model.readNoise * model.readNoise
    return signal / variance.squareRoot()
  }
}
