import ArgumentParser

/// whitlock-bench: accuracy and speed of the detection pipelines, side by side with the reference
/// Python pipeline (Benchmarks/reference/raman_reference.py) on the same spectra in the same run.
/// Build in release mode (`make bench` does).
@main
struct WhitlockBench: ParsableCommand {
  /// Which tables to print.
  enum Mode: String, CaseIterable, ExpressibleByArgument {
    case accuracy, xrf, speed, reference, all
  }

  static let configuration = CommandConfiguration(
    commandName: "whitlock-bench",
    abstract: "Accuracy and speed of the detection pipelines beside the Python reference.",
    discussion: """
      reference: the detector on the measured spectra in --reference, also with the axis shifted \
      by −8…+8 cm⁻¹. accuracy: whitlockite fraction and phase errors on simulated Raman spectra \
      (in and outside the detector's model) and Mg/Ca on simulated XRF spectra. xrf: the Mg/Ca \
      table alone. speed: spectra \
      per second and allocations per spectrum, Raman and XRF, at several sizes. all: every table. \
      Without --python the Python columns are skipped.
      """)

  @Argument(
    help: ArgumentHelp(
      "What to measure: accuracy, xrf, speed, reference or all. When several are given the last one counts.",
      valueName: "mode"))
  var modes: [Mode] = []

  @Option(
    help: ArgumentHelp(
      "Python interpreter with the reference pipeline's packages.", valueName: "path"))
  var python: String?

  @Option(help: ArgumentHelp("Simulated spectra per level in the accuracy tables.", valueName: "n"))
  var spectra = 200

  @Option(
    help: ArgumentHelp(
      "Limit the speed table to Raman spectra of this many pixels.", valueName: "n"))
  var pixels: Int?

  @Option(help: ArgumentHelp("Directory of the measured reference spectra.", valueName: "dir"))
  var reference = "../shared/data/raman-reference"

  func validate() throws {
    guard spectra > 0 else { throw ValidationError("--spectra must be a positive number") }
    if let pixels, pixels <= 0 { throw ValidationError("--pixels must be a positive number") }
  }

  func run() {
    let mode = modes.last ?? .all
    let python = python.map { PythonReference(interpreter: $0) }
    if mode == .reference || mode == .all {
      ReferenceSetBenchmark(directory: reference).run()
    }
    if mode == .accuracy || mode == .all {
      OutOfModelBenchmark(
        spectraPerLevel: spectra, reference: python, referenceDirectory: reference
      ).run()
      AccuracyBenchmark(spectraPerLevel: spectra, reference: python).run()
      XRFAccuracyBenchmark(spectraPerLevel: spectra).run()
    }
    if mode == .xrf { XRFAccuracyBenchmark(spectraPerLevel: spectra).run() }
    if mode == .speed || mode == .all {
      SpeedBenchmark(reference: python, onlyPixels: pixels).run()
    }
  }
}
