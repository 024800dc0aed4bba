import Detection
import Foundation
import TextTables

/// The detector on measured reference spectra (RRUFF files: `##` headers, then `shift, intensity`
/// rows): one table row per file with the named phase, the fraction and the axis offset.
struct ReferenceSetBenchmark {
  /// Folder holding the `.txt` files.
  var directory: String

  /// Shifts and intensities of a two-column text file (comma, tab, semicolon or space).
  static func read(_ path: String) -> (shifts: [Double], intensities: [Double])? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    var shifts: [Double] = []
    var intensities: [Double] = []
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    where !line.hasPrefix("#") {
      let fields = line.split { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" || $0 == "\r" }
      guard fields.count >= 2, let x = Double(fields[0]), let y = Double(fields[1]) else {
        continue
      }
      shifts.append(x)
      intensities.append(y)
    }
    return shifts.count >= 16 ? (shifts, intensities) : nil
  }

  /// The sorted `.txt` files of the folder.
  var files: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".txt") }.sorted()
  }

  func run() {
    print("== Raman detector on measured reference spectra (\(directory)) ==")
    var table = TextTable(
      layout: .figures,
      headers: [
        "file", "phase", "group", "fraction ± σ", "evidence f", "position f", "offset cm⁻¹",
        "phases with axis shifted −8…+8", "fraction range",
      ])
    let pipeline = RamanPipeline()
    for name in files {
      guard let spectrum = Self.read(directory + "/" + name) else { continue }
      let result = pipeline.analyze(shifts: spectrum.shifts, intensities: spectrum.intensities)
      let shifted = ShiftSweep(spectrum, step: 2, pipeline: pipeline) { $0.phase.rawValue }
      func pair(_ value: Double?, _ sigma: Double?) -> String {
        guard let value else { return "–" }
        return format(value, 3) + " ± " + format(sigma ?? .nan, 3)
      }
      table.add([
        String(name.prefix(40)), result.phase.rawValue, result.phase.group,
        pair(result.whitlockiteFraction, result.whitlockiteFractionSigma),
        pair(result.evidenceFraction, result.evidenceFractionSigma),
        pair(result.positionFraction, result.positionFractionSigma),
        pair(result.axisOffset, result.axisOffsetSigma),
        shifted.names, shifted.fractionRange,
      ])
    }
    print(table.render())
    print("")
    coarserSampling(pipeline)
    calibratedAxis(pipeline)
  }

  /// The files on a calibrated axis: each sample's runs put on their common axis by the
  /// cross-correlation of their bands at 200–800 cm⁻¹ (`RamanRunAlignment`, below anything the
  /// detector looks at), where they agree within the calibrated tolerance t, and analysed with
  /// that tolerance, shifted −t…+t around it (the residual a calibration may leave).
  private func calibratedAxis(_ pipeline: RamanPipeline) {
    let lineResidual = 0.2
    let accuracy = RamanAxisAccuracy.calibrated(lineResidual: lineResidual)
    let tolerance = pipeline.settings.phases.offsetTolerance(for: accuracy)
    print(
      "== On a calibrated axis: tolerated offset \(format(tolerance, 1)) cm⁻¹ (lamp-line RMS "
        + "\(format(lineResidual, 1))), residual −t…+t in steps of t/2 ==")
    var table = TextTable(
      layout: .figures,
      headers: [
        "file", "run offset cm⁻¹", "common axis", "phases", "fraction range",
        "vendor-axis phase",
      ])
    let alignment = RamanRunAlignment(range: 200...800)
    var bySample: [String: [String]] = [:]
    for name in files {
      bySample[name.split(separator: "_").prefix(2).joined(separator: "_"), default: []].append(
        name)
    }
    for (_, runs) in bySample.sorted(by: { $0.key < $1.key }) {
      let spectra = runs.compactMap { Self.read(directory + "/" + $0) }
      guard spectra.count == runs.count else { continue }
      let offsets = spectra.map { alignment.offset(of: $0, from: spectra[0])?.offset ?? .nan }
      let mean = offsets.reduce(0, +) / Double(offsets.count)
      let agree =
        runs.count > 1 && offsets.allSatisfy { $0.isFinite && abs($0 - mean) <= tolerance }
      for (index, name) in runs.enumerated() {
        let correction = agree ? offsets[index] - mean : 0
        let spectrum = spectra[index]
        var names: [String] = []
        var low = Double.infinity
        var high = -Double.infinity
        var missing = 0
        for residual in stride(from: -tolerance, through: tolerance + 1e-9, by: tolerance / 2) {
          let result = pipeline.analyze(
            shifts: spectrum.shifts.map { $0 - correction + residual },
            intensities: spectrum.intensities, axisAccuracy: accuracy)
          if !names.contains(result.phase.rawValue) { names.append(result.phase.rawValue) }
          if let f = result.whitlockiteFraction {
            low = min(low, f)
            high = max(high, f)
          } else {
            missing += 1
          }
        }
        let plain = pipeline.analyze(
          shifts: spectrum.shifts.map { $0 - correction }, intensities: spectrum.intensities)
        table.add([
          String(name.prefix(40)), runs.count > 1 ? format(offsets[index] - mean, 2) : "–",
          agree ? "yes" : (runs.count > 1 ? "runs disagree" : "one run"),
          names.joined(separator: ","),
          missing == 5
            ? "none"
            : format(low, 2) + "–" + format(high, 2) + (missing > 0 ? " (\(missing) none)" : ""),
          plain.phase.rawValue,
        ])
      }
    }
    print(table.render())
    print("")
  }

  /// The same files read at ½ and ¼ of their sampling (k adjacent points summed, as an
  /// instrument with fewer pixels over the same range records them), each on axes shifted
  /// −8…+8 cm⁻¹: the groups named and the fraction range.
  private func coarserSampling(_ pipeline: RamanPipeline) {
    print("== The same spectra, k adjacent points summed, axis shifted −8…+8 ==")
    var table = TextTable(
      layout: .figures,
      headers: [
        "file", "spacing cm⁻¹", "k", "groups", "fraction range",
      ])
    for name in files {
      guard let spectrum = Self.read(directory + "/" + name) else { continue }
      for k in [2, 4] {
        let binned = Self.binned(spectrum, by: k)
        let shifted = ShiftSweep(binned, step: 4, pipeline: pipeline) { $0.phase.group }
        let span = binned.shifts.last! - binned.shifts.first!
        table.add([
          String(name.prefix(40)), format(span / Double(binned.shifts.count - 1), 2), "\(k)",
          shifted.names, shifted.fractionRange,
        ])
      }
    }
    print(table.render())
    print("")
  }

  /// `spectrum` with every `k` adjacent points summed (their shifts averaged).
  static func binned(_ spectrum: (shifts: [Double], intensities: [Double]), by k: Int) -> (
    shifts: [Double], intensities: [Double]
  ) {
    var shifts: [Double] = []
    var intensities: [Double] = []
    var start = 0
    while start + k <= spectrum.shifts.count {
      shifts.append(spectrum.shifts[start..<(start + k)].reduce(0, +) / Double(k))
      intensities.append(spectrum.intensities[start..<(start + k)].reduce(0, +))
      start += k
    }
    return (shifts, intensities)
  }
}

/// One spectrum analysed with its axis shifted −8…+8 cm⁻¹: the names it was given, in order of
/// first appearance, and the range of its whitlockite fractions.
struct ShiftSweep {
  /// The distinct names, comma-separated.
  let names: String
  /// "low–high", with how many shifts gave no fraction, or "none".
  let fractionRange: String

  init(
    _ spectrum: (shifts: [Double], intensities: [Double]), step: Double, pipeline: RamanPipeline,
    name: (RamanAnalysis) -> String
  ) {
    var seen: [String] = []
    var low = Double.infinity
    var high = -Double.infinity
    var missing = 0
    var count = 0
    for shift in stride(from: -8.0, through: 8.0, by: step) {
      let result = pipeline.analyze(
        shifts: spectrum.shifts.map { $0 + shift }, intensities: spectrum.intensities)
      if !seen.contains(name(result)) { seen.append(name(result)) }
      count += 1
      if let f = result.whitlockiteFraction {
        low = min(low, f)
        high = max(high, f)
      } else {
        missing += 1
      }
    }
    names = seen.joined(separator: ",")
    fractionRange =
      missing == count
      ? "none" : format(low, 2) + "–" + format(high, 2) + (missing > 0 ? " (\(missing) none)" : "")
  }
}
