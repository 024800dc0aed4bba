import Detection
import SampleModels
import Simulation
import TextTables

/// Whitlockite-fraction accuracy on spectra outside the detector's model (`OutOfModelSpectra`),
/// ours and the Python peer's on the same spectra, at four ν1 peak SNR levels.
///
/// Two errors per pipeline: MAE over *all* spectra (a spectrum without phosphate that gets a
/// fraction counts that fraction as its error; a phosphate spectrum without a fraction counts
/// as fraction 0) and MAE over the phosphate spectra that got a fraction.
struct OutOfModelBenchmark {
  var spectraPerLevel: Int
  var reference: PythonReference?
  var referenceDirectory: String

  static let levels: [Double] = [200, 100, 50, 25]

  struct Score {
    var all: [Double] = []
    var given: [Double] = []
    var phosphate = 0

    mutating func add(estimate: Double?, truth: Double?) {
      if let truth {
        phosphate += 1
        all.append(abs((estimate ?? 0) - truth))
        if let estimate { given.append(abs(estimate - truth)) }
      } else {
        all.append(estimate ?? 0)
      }
    }

    static func mean(_ values: [Double]) -> Double {
      values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
  }

  func loadReferences(_ prefixes: [String]) -> [([Double], [Double])] {
    let set = ReferenceSetBenchmark(directory: referenceDirectory)
    return set.files.filter { name in prefixes.contains { name.hasPrefix($0) } }.compactMap {
      ReferenceSetBenchmark.read(referenceDirectory + "/" + $0)
    }
  }

  func run() {
    let whitlockites = loadReferences(["whitlockite_"])
    let apatites = loadReferences(["hydroxylapatite_", "fluorapatite_"])
    print("== Raman whitlockite fraction accuracy outside the detector's model ==")
    print(
      "per level: \(spectraPerLevel) synthetic (centres, widths, shapes, ratios drawn wider than"
        + " the priors, axis offset ±6 cm⁻¹), "
        + (whitlockites.isEmpty || apatites.isEmpty
          ? "no reference mixtures (no files in \(referenceDirectory)), "
          : "\(spectraPerLevel / 2) mixtures of \(whitlockites.count) measured whitlockite and"
            + " \(apatites.count) apatite spectra, ")
        + "\(spectraPerLevel / 2) negatives (tissue, calcite, oxalate, brushite)")
    var table = TextTable(
      layout: .figures,
      headers: [
        "pixels", "ν1 peak SNR", "ours MAE all", "peer MAE all", "ratio all", "ours MAE given",
        "peer MAE given", "ratio given", "ours given", "peer given", "ours: synthetic / mixture",
      ])
    for pixels in [1024, 2048] {
      let axis = RamanSampleModel(pixelCount: pixels).ramanShifts()
      let spectra = OutOfModelSpectra(
        axis: axis, whitlockites: whitlockites, apatites: apatites)
      for (levelIndex, snr) in Self.levels.enumerated() {
        let samples = spectra.samples(
          count: spectraPerLevel, snr: snr, seed: 0x00D0 + UInt64(levelIndex * 16 + pixels))
        let pipeline = RamanPipeline()
        var ours = Score()
        var synthetic = Score()
        var mixture = Score()
        for sample in samples {
          let fraction = pipeline.analyze(shifts: axis, intensities: sample.intensities)
            .whitlockiteFraction
          ours.add(estimate: fraction, truth: sample.truth)
          if sample.kind == .synthetic { synthetic.add(estimate: fraction, truth: sample.truth) }
          if sample.kind == .mixture { mixture.add(estimate: fraction, truth: sample.truth) }
        }
        var theirs = Score()
        if let reference,
          let output = reference.run(axis: axis, intensities: samples.map(\.intensities))
        {
          for (sample, fraction) in zip(samples, output.fractions) {
            theirs.add(estimate: fraction.isNaN ? nil : fraction, truth: sample.truth)
          }
        }
        let oursAll = Score.mean(ours.all)
        let theirsAll = Score.mean(theirs.all)
        let oursGiven = Score.mean(ours.given)
        let theirsGiven = Score.mean(theirs.given)
        table.add([
          "\(pixels)", format(snr, 0), format(oursAll, 3), format(theirsAll, 3),
          format(oursAll / theirsAll, 2), format(oursGiven, 3), format(theirsGiven, 3),
          format(oursGiven / theirsGiven, 2), "\(ours.given.count)/\(ours.phosphate)",
          theirs.all.isEmpty ? "–" : "\(theirs.given.count)/\(theirs.phosphate)",
          format(Score.mean(synthetic.all), 3) + " / " + format(Score.mean(mixture.all), 3),
        ])
      }
    }
    print(table.render())
    print(
      "MAE all: every spectrum (no fraction = 0; a negative's fraction is its error). MAE given:"
        + " phosphate spectra that got a fraction. Ratio = ours / peer (≤ 0.5 is the target).\n")
  }
}
