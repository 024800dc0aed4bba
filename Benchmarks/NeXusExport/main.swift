import Foundation

// whitlock-nexus-bench: makes spools and measures `whitlockctl export --format nexus` on them.
//
//   whitlock-nexus-bench generate DIR [--spectra N] [--runs R] [--distinct K]
//       writes a spool (see SpoolGenerator) and prints its run ids, one per line.
//   whitlock-nexus-bench [run] [--spectra N[,N…]] [--distinct K] [--directory D]
//       for each N (default 10000,100000): generates an N-spectrum spool, exports it with the
//       whitlockctl built beside this program, and prints spectra/s and the export's peak RSS.

func option(_ name: String, in arguments: [String]) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

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

func main() throws {
  var arguments = Array(CommandLine.arguments.dropFirst())
  let distinct = option("--distinct", in: arguments).flatMap(Int.init) ?? 64
  if arguments.first == "generate" {
    guard arguments.count >= 2 else { throw BenchmarkFailure("generate needs a directory") }
    let generator = SpoolGenerator(
      spectra: option("--spectra", in: arguments).flatMap(Int.init) ?? 1000,
      runs: option("--runs", in: arguments).flatMap(Int.init) ?? 1, distinct: distinct)
    let written = try generator.write(to: arguments[1])
    for run in written.runIDs { print(run) }
    return
  }
  if arguments.first == "run" { arguments.removeFirst() }
  let sizes = (option("--spectra", in: arguments) ?? "10000,100000").split(separator: ",")
    .compactMap { Int($0) }
  let tool = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("whitlockctl").path
  guard FileManager.default.isExecutableFile(atPath: tool) else {
    throw BenchmarkFailure("\(tool) is missing: build whitlockctl in the same configuration")
  }
  let base =
    option("--directory", in: arguments)
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

do { try main() } catch {
  FileHandle.standardError.write(Data("whitlock-nexus-bench: \(error)\n".utf8))
  exit(1)
}
