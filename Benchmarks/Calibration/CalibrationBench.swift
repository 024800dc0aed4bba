import ArgumentParser
import Calibration
import Detection
import Foundation
import TestSupport
import TextTables
import WhitlockCore

/// `whitlock-calibration-bench`: the axis calibration on the CHARISMA round-robin spectra,
/// ours and ramanchada2's (the CHARISMA reference implementation) on the same files in one run.
///
/// For every setup: the band positions of polystyrene (six ASTM E1840 bands) and calcite (two
/// spectra, three bands each) on the vendor axis, on ours and on ramanchada2's, all measured
/// with the same pseudo-Voigt fits; the RMS per setup, each band's spread across setups, and the
/// time each calibration takes.
@main
struct CalibrationBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-calibration-bench",
    abstract: "Axis calibration on the CHARISMA spectra: vendor, whitlockd and ramanchada2.")

  @Option(help: "Times each of our calibrations is repeated (the median is printed).")
  var repeats = 5
  @Flag(help: "Leave out ramanchada2 (no Python environment needed).") var noPeer = false
  @Option(help: "Seconds after which a ramanchada2 calibration is stopped and reported as such.")
  var peerLimit = 120

  func run() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().path
    let data = try shell(root + "/scripts/calibration/charisma-data.sh")
    var ours: [CharismaRoundRobin.Outcome] = []
    var oursSeconds: [Double] = []
    for setup in CharismaRoundRobin.setups {
      var times: [Double] = []
      var outcome: CharismaRoundRobin.Outcome?
      for _ in 0..<max(1, repeats) {
        let result = try CharismaRoundRobin.evaluate(setup, in: data)
        times.append(result.seconds)
        outcome = result
      }
      times.sort()
      ours.append(outcome!)
      oursSeconds.append(times[times.count / 2])
    }
    let peer = noPeer ? nil : try runPeer(root: root, data: data)

    var table = TextTable(
      title: "RMS of band residuals per setup, cm-1 (PST: 6 polystyrene bands; CAL: calcite "
        + "281.3/711.9/1085.9 in 2 spectra); seconds per calibration",
      layout: .figures,
      headers: [
        "setup", "PST vendor", "PST ours", "PST rc2", "CAL vendor", "CAL ours", "CAL rc2",
        "all vendor", "all ours", "all rc2", "ours s", "rc2 s", "rc2/ours time",
      ])
    for (index, outcome) in ours.enumerated() {
      let peerChecks = peer?[index].checks
      let row: [String] = [
        outcome.setup.name,
        f(rms(Array(outcome.before.prefix(1)))), f(rms(Array(outcome.after.prefix(1)))),
        peerChecks.map { f(rms(Array($0.prefix(1)))) } ?? (peer?[index].error ?? "-"),
        f(rms(Array(outcome.before.dropFirst()))), f(rms(Array(outcome.after.dropFirst()))),
        peerChecks.map { f(rms(Array($0.dropFirst()))) } ?? "-",
        f(rms(outcome.before)), f(rms(outcome.after)), peerChecks.map { f(rms($0)) } ?? "-",
        String(format: "%.3f", oursSeconds[index]),
        peer?[index].seconds.map { String(format: "%.2f", $0) } ?? "-",
        peer?[index].seconds.map { String(format: "%.0f×", $0 / oursSeconds[index]) } ?? "-",
      ]
      table.add(row)
    }
    print(table.render())
    print()

    var spread = TextTable(
      title: "One band across setups: max − min of its position, cm-1", layout: .figures,
      headers: ["band", "vendor", "ours", "rc2"])
    let before = CharismaRoundRobin.crossSetupRanges(ours, calibrated: false)
    let after = CharismaRoundRobin.crossSetupRanges(ours, calibrated: true)
    var peerOutcomes: [CharismaRoundRobin.Outcome]?
    if let peer {
      peerOutcomes = zip(ours, peer).compactMap { outcome, run in
        guard let checks = run.checks else { return nil }
        var copy = outcome
        copy.after = checks
        return copy
      }
    }
    let peerRanges = peerOutcomes.map { CharismaRoundRobin.crossSetupRanges($0, calibrated: true) }
    for (index, row) in after.enumerated() {
      let vendor = before.first { $0.standard == row.standard && $0.band == row.band }
      spread.add([
        "\(row.standard.rawValue) \(row.band)", vendor.map { f($0.range) } ?? "-", f(row.range),
        peerRanges.flatMap { ranges in
          ranges.first { $0.standard == row.standard && $0.band == row.band }.map { f($0.range) }
        } ?? "-",
      ])
      _ = index
    }
    print(spread.render())
    if let peerOutcomes, peerOutcomes.count < ours.count {
      print("\nrc2 spread over the \(peerOutcomes.count) setups it calibrated")
    }
    print()
    print(toleranceTable(ours))
    print()
    print(try intensityTable(ours, data: data))
  }

  /// Per setup: the lamp-line RMS of our calibration, the largest reference-band residual on its
  /// axis and the axis offset the Raman detector tolerates on it
  /// (`RamanPhaseRules.offsetTolerance(for:)`), which must cover that residual.
  func toleranceTable(_ outcomes: [CharismaRoundRobin.Outcome]) -> String {
    let rules = RamanPhaseRules()
    var table = TextTable(
      title: "The detector's tolerated axis offset on each calibrated axis, cm-1 (margin "
        + "\(rules.calibratedOffsetMargin) + \(rules.calibratedLineResidualFactor) × line RMS)",
      layout: .figures,
      headers: ["setup", "lines", "line RMS", "largest |residual|", "band", "tolerated", "covered"])
    for outcome in outcomes {
      let largest = CharismaRoundRobin.largestResidual(outcome.after)
      let tolerated = rules.offsetTolerance(
        for: .calibrated(lineResidual: outcome.calibration.lineFitRMS))
      table.add([
        outcome.setup.name, "\(outcome.calibration.linesMatched)",
        f(outcome.calibration.lineFitRMS), f(abs(largest.residual)), largest.band, f(tolerated),
        abs(largest.residual) <= tolerated ? "yes" : "no",
      ])
    }
    return table.render()
  }

  /// Band ratios of polystyrene and calcite across the setups of each laser line, measured and
  /// after each setup's own SRM correction (on its calibrated axis).
  func intensityTable(_ outcomes: [CharismaRoundRobin.Outcome], data: String) throws -> String {
    let intensities = try outcomes.compactMap {
      try CharismaRoundRobin.intensities(of: $0, in: data)
    }
    var table = TextTable(
      title: "Band area ratios across the setups of one laser line: coefficient of variation, % "
        + "(measured; after each setup's NIST SRM correction)",
      layout: .figures,
      headers: ["laser nm", "ratio", "setups", "CV measured", "CV corrected", "measured/corrected"])
    let spreads = CharismaRoundRobin.ratioSpreads(intensities)
    for spread in spreads {
      table.add([
        String(format: "%.0f", spread.laserNanometres), spread.ratio, "\(spread.setups)",
        String(format: "%.1f", spread.measuredCV), String(format: "%.1f", spread.correctedCV),
        String(format: "%.2f×", spread.measuredCV / spread.correctedCV),
      ])
    }
    var perSetup = TextTable(
      title: "Band area ratios per setup (measured → corrected)", layout: .figures,
      headers: ["setup", "SRM", "ratio", "measured", "corrected"])
    for outcome in intensities {
      for areas in outcome.areas {
        for row in areas.rows {
          perSetup.add([
            outcome.setup.name, outcome.response.standard.rawValue,
            "\(areas.standard.rawValue) \(row.band)/\(areas.referenceBand)",
            row.measured.map { String(format: "%.4f", $0) } ?? "-",
            row.corrected.map { String(format: "%.4f", $0) } ?? "-",
          ])
        }
      }
    }
    return table.render() + "\n\n" + perSetup.render()
  }

  struct PeerRun {
    var seconds: Double?
    var checks: [StandardCheck]?
    var error: String?
  }

  /// Runs scripts/calibration/ramanchada2_peer.py on every setup, then measures the bands on
  /// the axes it returns with our fits.
  func runPeer(root: String, data: String) throws -> [PeerRun] {
    let python = try shell(root + "/scripts/calibration/venv.sh")
    var setups: [JSONValue] = []
    for setup in CharismaRoundRobin.setups {
      let stated = try VendorSpectrumReader.read(path: data + "/" + setup.neon)
        .statedExcitationNanometres
      let laser = setup.excitationNanometres ?? stated ?? 0
      let nominal = [532.0, 633.0, 785.0].min { abs($0 - laser) < abs($1 - laser) } ?? 785
      setups.append(
        .object([
          ("name", .string(setup.name)), ("laser_nm", .int(Int64(nominal))),
          ("neon", .string(data + "/" + setup.neon)),
          ("silicon", .string(data + "/" + setup.silicon)),
          (
            "standards",
            .array(([setup.polystyrene] + setup.calcite).map { .string(data + "/" + $0) })
          ),
        ]))
    }
    var writer = JSONWriter()
    writer.value(.object([("limit_s", .int(Int64(peerLimit))), ("setups", .array(setups))]))
    let output = try shell(
      python, [root + "/scripts/calibration/ramanchada2_peer.py"], input: writer.bytes)
    let reply = try JSONParser.parse(output)
    guard case .array(let results)? = reply["setups"] else {
      throw ValidationError("ramanchada2_peer.py gave no setups")
    }
    return zip(CharismaRoundRobin.setups, results).map { setup, result in
      if case .string(let error)? = result["error"] {
        return PeerRun(error: String(error.prefix(40)))
      }
      guard case .array(let standards)? = result["standards"] else {
        return PeerRun(error: "no output")
      }
      let kinds = [ReferenceStandard.polystyrene] + setup.calcite.map { _ in .calcite }
      let checks = zip(kinds, standards).map { kind, spectrum in
        StandardCheck(
          standard: kind,
          spectrum: VendorSpectrum(
            source: "rc2", shifts: numbers(spectrum["x"]), intensities: numbers(spectrum["y"]),
            statedExcitationNanometres: nil),
          calibration: nil)
      }
      return PeerRun(seconds: result["seconds"]?.doubleValue, checks: checks)
    }
  }

  func numbers(_ value: JSONValue?) -> [Double] {
    guard case .array(let items)? = value else { return [] }
    return items.compactMap(\.doubleValue)
  }

  func rms(_ checks: [StandardCheck]) -> Double { CharismaRoundRobin.Outcome.rms(checks) }

  func f(_ value: Double) -> String { value.isNaN ? "failed" : String(format: "%.2f", value) }

  /// Runs a program to completion and returns its standard output, trimmed.
  func shell(_ program: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program.hasSuffix(".sh") ? "/bin/bash" : program)
    process.arguments = program.hasSuffix(".sh") ? [program] + arguments : arguments
    let output = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardInput = stdin
    try process.run()
    let collector = DispatchGroup()
    nonisolated(unsafe) var data = Data()
    collector.enter()
    Thread.detachNewThread {
      data = output.fileHandleForReading.readDataToEndOfFile()
      collector.leave()
    }
    stdin.fileHandleForWriting.write(Data(input))
    try stdin.fileHandleForWriting.close()
    collector.wait()  // blocking-ok: a synchronous command on the main thread, not the pool
    process.waitUntilExit()  // blocking-ok: a synchronous command on the main thread
    guard process.terminationStatus == 0 else {
      throw ValidationError("\(program) failed with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
