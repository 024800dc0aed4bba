import Foundation

/// Runs the reference Python pipeline on spectra written to temporary files.
struct PythonReference {
  /// The virtual environment's interpreter.
  var interpreter: String

  /// The script next to this benchmark's sources.
  static var script: String {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    return here.deletingLastPathComponent().appendingPathComponent("reference/raman_reference.py")
      .path
  }

  /// What one run of the script returns: fractions (NaN when the fit failed), σ, and the
  /// processing loop's wall and CPU seconds.
  struct Output {
    var fractions: [Double]
    var sigmas: [Double]
    var seconds: Double
    var cpuSeconds: Double
  }

  /// Runs the script on raw counts.
  func run(axis: [Double], spectra: [[UInt32]]) -> Output? {
    run(axis: axis, intensities: spectra.map { $0.map(Double.init) })
  }

  /// The same for intensities given as doubles.
  func run(axis: [Double], intensities spectra: [[Double]]) -> Output? {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "whitlock-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let axisFile = directory.appendingPathComponent("axis.f64")
    let spectraFile = directory.appendingPathComponent("spectra.f64")
    var flat: [Double] = []
    flat.reserveCapacity(spectra.count * axis.count)
    for spectrum in spectra { flat.append(contentsOf: spectrum) }
    do {
      try axis.withUnsafeBytes { try Data($0).write(to: axisFile) }
      try flat.withUnsafeBytes { try Data($0).write(to: spectraFile) }
    } catch {
      return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: interpreter)
    process.arguments = [Self.script, "--axis", axisFile.path, "--spectra", spectraFile.path]
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = "1"
    environment["OPENBLAS_NUM_THREADS"] = "1"
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let text = String(data: data, encoding: .utf8) else {
      return nil
    }
    var fractions: [Double] = []
    var sigmas: [Double] = []
    var seconds = Double.nan
    var cpuSeconds = Double.nan
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if line.hasPrefix("# seconds"), fields.count >= 3 {
        seconds = Double(fields[2]) ?? .nan
        if fields.count >= 7, fields[5] == "cpu" { cpuSeconds = Double(fields[6]) ?? .nan }
      } else if fields.count == 2 {
        fractions.append(Double(fields[0]) ?? .nan)
        sigmas.append(Double(fields[1]) ?? .nan)
      }
    }
    return fractions.count == spectra.count
      ? Output(fractions: fractions, sigmas: sigmas, seconds: seconds, cpuSeconds: cpuSeconds)
      : nil
  }
}
