import Foundation

func megabytes(ofTree path: String) -> Double {
  var total = 0
  if let walker = FileManager.default.enumerator(atPath: path) {
    for case let name as String in walker {
      let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
      total += (attributes?[.size] as? Int) ?? 0
    }
  }
  if total == 0, let attributes = try? FileManager.default.attributesOfItem(atPath: path) {
    total = (attributes[.size] as? Int) ?? 0
  }
  return Double(total) / 1_048_576
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// For each size: generates a spool of that many spectra, exports it with the whitlockctl built
/// beside this program, and prints spectra/s and the export's peak RSS.
func measure(sizes: [Int], distinct: Int, directory: String?) throws {
  let tool = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("whitlockctl").path
  guard FileManager.default.isExecutableFile(atPath: tool) else {
    throw BenchmarkFailure("\(tool) is missing: build whitlockctl in the same configuration")
  }
  let base =
    directory
    ?? FileManager.default.temporaryDirectory.appendingPathComponent(
      "nexus-bench-\(getpid())"
    ).path
  try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: base) }
  print("NeXus export (whitlockctl export --format nexus), Raman 2048 px : XRF 2048 ch = 4 : 1,")
  print("\(distinct) distinct simulated spectra analysed by the real pipelines, deflate level 4")
  print("")
  let header = ["spectra", "spool MiB", "nxs MiB", "export s", "spectra/s", "peak RSS MiB"]
  print(header.map { $0.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined())
  for size in sizes {
    let spool = base + "/spool-\(size)"
    let output = base + "/export-\(size).nxs"
    _ = try SpoolGenerator(spectra: size, distinct: distinct).write(to: spool)
    fflush(nil)  // the table so far before the child's own summary line
    let child = try ChildRun.run(tool, ["export", "--format", "nexus", spool, "-o", output])
    guard child.status == 0 else {
      throw BenchmarkFailure("export failed (status \(child.status))")
    }
    let row = [
      "\(size)", format(megabytes(ofTree: spool)), format(megabytes(ofTree: output)),
      format(child.seconds, 2), format(Double(size) / child.seconds, 0),
      format(child.peakResidentMiB),
    ]
    print(row.map { $0.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined())
    try? FileManager.default.removeItem(atPath: spool)
    try? FileManager.default.removeItem(atPath: output)
  }
}
