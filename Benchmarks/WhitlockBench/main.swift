import Foundation

/// whitlock-bench: accuracy and speed of the detection pipelines, side by side with the reference
/// Python pipeline (Benchmarks/reference/raman_reference.py) on the same spectra in the same run.
///
///     whitlock-bench [accuracy|speed|reference|all] [--python PATH] [--spectra N] [--pixels N]
///                    [--reference DIR]
///
/// `reference` runs the detector on the measured spectra in DIR (default
/// `../shared/data/raman-reference`), also with the axis shifted by −8…+8 cm⁻¹.
///
/// `--pixels N` limits the speed table to Raman spectra of N pixels (for profiling one case).
/// Build in release mode (`make bench` does). Without `--python` the Python columns are skipped.
let arguments = Array(CommandLine.arguments.dropFirst())
var mode = "all"
var python: String?
var spectraPerLevel = 200
var onlyPixels: Int?
var referenceDirectory = "../shared/data/raman-reference"
var index = 0
while index < arguments.count {
  switch arguments[index] {
  case "accuracy", "speed", "all", "reference": mode = arguments[index]
  case "--reference":
    index += 1
    referenceDirectory = index < arguments.count ? arguments[index] : referenceDirectory
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
        ("usage: whitlock-bench [accuracy|speed|reference|all] [--python PATH] [--spectra N]"
          + " [--pixels N] [--reference DIR]\n").utf8))
    exit(64)
  }
  index += 1
}
let reference = python.map { PythonReference(interpreter: $0) }
if mode == "reference" || mode == "all" {
  ReferenceSetBenchmark(directory: referenceDirectory).run()
}
if mode == "accuracy" || mode == "all" {
  OutOfModelBenchmark(
    spectraPerLevel: spectraPerLevel, reference: reference,
    referenceDirectory: referenceDirectory
  ).run()
  AccuracyBenchmark(spectraPerLevel: spectraPerLevel, reference: reference).run()
  XRFAccuracyBenchmark(spectraPerLevel: spectraPerLevel).run()
}
if mode == "speed" || mode == "all" {
  SpeedBenchmark(reference: reference, onlyPixels: onlyPixels).run()
}
