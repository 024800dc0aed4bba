import Foundation

/// whitlock-bench: accuracy and speed of the detection pipelines, side by side with the reference
/// Python pipeline (Benchmarks/reference/raman_reference.py) on the same spectra in the same run.
///
///     whitlock-bench [accuracy|speed|all] [--python PATH] [--spectra N] [--pixels N]
///
/// `--pixels N` limits the speed table to Raman spectra of N pixels (for profiling one case).
/// Build in release mode (`make bench` does). Without `--python` the Python columns are skipped.
let arguments = Array(CommandLine.arguments.dropFirst())
var mode = "all"
var python: String?
var spectraPerLevel = 200
var onlyPixels: Int?
var index = 0
while index < arguments.count {
  switch arguments[index] {
  case "accuracy", "speed", "all": mode = arguments[index]
  case "--python":
    index += 1
    python = index < arguments.count ? arguments[index] : nil
  case "--spectra":
    index += 1
    spectraPerLevel = index < arguments.count ? Int(arguments[index]) ?? 200 : 200
  case "--pixels":
    index += 1
    onlyPixels = index < arguments.count ? Int(arguments[index]) : nil
  default:
    FileHandle.standardError.write(
      Data(
        "usage: whitlock-bench [accuracy|speed|all] [--python PATH] [--spectra N] [--pixels N]\n"
          .utf8))
    exit(64)
  }
  index += 1
}
let reference = python.map { PythonReference(interpreter: $0) }
if mode == "accuracy" || mode == "all" {
  AccuracyBenchmark(spectraPerLevel: spectraPerLevel, reference: reference).run()
  XRFAccuracyBenchmark(spectraPerLevel: spectraPerLevel).run()
}
if mode == "speed" || mode == "all" {
  SpeedBenchmark(reference: reference, onlyPixels: onlyPixels).run()
}
