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
/// beside this program and, in the same run, with the h5py peer (`scripts/nexus/peer_export.py`,
/// run by `python`), and prints spectra/s of both, their ratio, the export's peak RSS and how
/// much of the file is stored data.
func measure(sizes: [Int], distinct: Int, directory: String?, python: String) throws {
  let tool = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("whitlockctl").path
  guard FileManager.default.isExecutableFile(atPath: tool) else {
    throw BenchmarkFailure("\(tool) is missing: build whitlockctl in the same configuration")
  }
  let scripts = FileManager.default.currentDirectoryPath + "/scripts/nexus"
  guard FileManager.default.fileExists(atPath: scripts + "/peer_export.py") else {
    throw BenchmarkFailure("run from the repository root: \(scripts)/peer_export.py is missing")
  }
  let base =
    directory
    ?? FileManager.default.temporaryDirectory.appendingPathComponent(
      "nexus-bench-\(getpid())"
    ).path
  try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: base) }
  print("NeXus export (whitlockctl export --format nexus) against an h5py peer on the same spool,")
  print(
    "Raman 2048 px : XRF 2048 ch = 4 : 1, \(distinct) distinct simulated spectra analysed by the")
  print("real pipelines; both write 32-row chunks, shuffle + deflate level 4")
  print("")
  let header = [
    "spectra", "spool MiB", "nxs MiB", "file/data", "export s", "spectra/s", "RSS MiB",
    "peer s", "peer sp/s", "peer MiB", "speed ratio",
  ]
  print(header.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
  for size in sizes {
    let spool = base + "/spool-\(size)"
    let output = base + "/export-\(size).nxs"
    let peerOutput = base + "/peer-\(size).h5"
    _ = try SpoolGenerator(spectra: size, distinct: distinct).write(to: spool)
    fflush(nil)  // the table so far before the children's own lines
    let child = try ChildRun.run(tool, ["export", "--format", "nexus", spool, "-o", output])
    guard child.status == 0 else {
      throw BenchmarkFailure("export failed (status \(child.status))")
    }
    let peer = try ChildRun.run(python, [scripts + "/peer_export.py", spool, peerOutput])
    guard peer.status == 0 else {
      throw BenchmarkFailure("the h5py peer failed (status \(peer.status))")
    }
    let ratio = try storedRatio(python: python, script: scripts + "/stored_bytes.py", output)
    let row = [
      "\(size)", format(megabytes(ofTree: spool)), format(megabytes(ofTree: output)),
      format(ratio, 2), format(child.seconds, 2), format(Double(size) / child.seconds, 0),
      format(child.peakResidentMiB), format(peer.seconds, 2),
      format(Double(size) / peer.seconds, 0), format(megabytes(ofTree: peerOutput)),
      format(peer.seconds / child.seconds, 2),
    ]
    print(row.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
    for path in [spool, output, peerOutput] { try? FileManager.default.removeItem(atPath: path) }
  }
  print("")
  print("file/data: the file's size over the bytes its datasets store; speed ratio: peer s / ours")
}

/// The file's size over the bytes its datasets store (`stored_bytes.py`).
private func storedRatio(python: String, script: String, _ file: String) throws -> Double {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  process.arguments = [script, file]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()  // blocking-ok: a synchronous command on the main thread
  guard process.terminationStatus == 0,
    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
    let ratio = object["ratio"] as? Double
  else { throw BenchmarkFailure("\(script) failed on \(file)") }
  return ratio
}
