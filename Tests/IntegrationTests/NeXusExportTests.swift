import Foundation
import TestSupport
import Testing
import WhitlockCore

/// `whitlockctl export --format nexus` as a user runs it, on a spool written by the real spool
/// writer with real detection results (`whitlock-nexus-bench generate`): the file checked with
/// h5py, nexusformat and punx against the spool, the round trip through `whitlockctl analyze`,
/// and the bad inputs (torn records, unknown run, unwritable output).
@Suite(.processHeavy) struct NeXusExportTests {
  /// A generated spool shared by the tests that only read it: two runs, 30 spectra.
  struct Fixture: Sendable {
    var directory: String
    var spool: String
    var runs: [String]
  }

  /// The spool every test exports from, generated once by the first test that asks.
  static let shared = Task { try await makeFixture() }

  static func makeFixture() async throws -> Fixture {
    let directory = try scratchDirectory()
    let spool = directory + "/spool"
    let result = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-nexus-bench")),
      ["generate", spool, "--spectra", "30", "--runs", "2", "--distinct", "10"], deadline: 600)
    guard result.status == 0 else {
      throw SubprocessFailure(description: "generate failed: \(result.standardError)")
    }
    let runs = result.standardOutput.split(separator: "\n").map(String.init)
    return Fixture(directory: directory, spool: spool, runs: runs)
  }

  static func scratchDirectory() throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("nexus-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
  }

  static func whitlockctl(_ arguments: [String]) async throws -> SubprocessResult {
    try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")), arguments,
      deadline: 600)
  }

  /// The Python of the NeXus tests' virtual environment (h5py, nexusformat, punx).
  static func python() async throws -> String {
    let result = try await runTool("/bin/bash", [repositoryRoot + "/scripts/nexus/venv.sh"])
    guard result.status == 0 else {
      throw StartFailure(description: "cannot create the Python environment: \(result.errors)")
    }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Files in `directory` other than the spool.
  static func outputs(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0 != "spool"
    }.sorted()
  }

  /// `detection` per seq from `whitlockctl analyze` output.
  static func detections(_ output: String) throws -> [Int64: JSONValue] {
    var result: [Int64: JSONValue] = [:]
    for line in output.split(separator: "\n") {
      let value = try JSONParser.parse(String(line))
      guard case .int(let seq)? = value["seq"], let detection = value["detection"] else { continue }
      result[seq] = detection
    }
    return result
  }

  @Test func exportedFileMatchesTheSpoolAndPassesNeXusValidation() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = directory + "/all.nxs"
    let export = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")
    #expect(export.standardOutput.contains("2 run(s), 30 spectra"), "\(export.standardOutput)")
    #expect(Self.outputs(in: directory) == ["all.nxs"])
    let check = try await runTool(
      try await Self.python(),
      [repositoryRoot + "/scripts/nexus/check_export.py", output, fixture.spool])
    #expect(check.status == 0, "\(check.output)\(check.errors)")
    #expect(check.output.contains("OK 2 runs, 30 spectra checked"), "\(check.output)")
  }

  @Test func oneRunAndASequenceRangeExportOnlyThoseRecords() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let second = fixture.runs[1]
    let output = directory + "/run.nxs"
    let export = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "--run", second, "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")
    #expect(export.standardOutput.contains("1 run(s), 15 spectra"), "\(export.standardOutput)")
    let check = try await runTool(
      try await Self.python(),
      [repositoryRoot + "/scripts/nexus/check_export.py", output, fixture.spool, second])
    #expect(check.status == 0, "\(check.output)\(check.errors)")

    let range = directory + "/range.nxs"
    let ranged = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool + ":3-7", "-o", range,
    ])
    #expect(ranged.status == 0, "\(ranged.standardError)")
    let analyzed = try await Self.whitlockctl(["analyze", range])
    #expect(analyzed.status == 0, "\(analyzed.standardError)")
    #expect(try Self.detections(analyzed.standardOutput).keys.sorted() == [3, 4, 5, 6, 7])
  }

  @Test func analyzeOfTheExportGivesTheSpoolsDetectionResults() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = directory + "/all.nxs"
    let export = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")

    let fromFile = try await Self.whitlockctl(["analyze", output])
    #expect(fromFile.status == 0, "\(fromFile.standardError)")
    let segments = try FileManager.default.contentsOfDirectory(atPath: fixture.spool + "/new")
      .sorted().map { fixture.spool + "/new/" + $0 }
    let fromSpool = try await Self.whitlockctl(["analyze"] + segments)
    #expect(fromSpool.status == 0, "\(fromSpool.standardError)")
    let exported = try Self.detections(fromFile.standardOutput)
    let spooled = try Self.detections(fromSpool.standardOutput)
    #expect(exported.count == 30)
    #expect(exported == spooled)

    // And the same as the daemon-side result stored in each record (which adds the fusion).
    var stored: [Int64: JSONValue] = [:]
    for segment in segments {
      for line in try String(contentsOfFile: segment, encoding: .utf8).split(separator: "\n") {
        let record = try JSONParser.parse(String(line))
        guard record["type"]?.stringValue == "acquisition", case .int(let seq)? = record["seq"],
          case .object(let members)? = record["detection"]
        else { continue }
        stored[seq] = .object(members.filter { $0.0 != "fusion" })
      }
    }
    #expect(exported == stored)

    let xrfOnly = try await Self.whitlockctl(["analyze", "--kind", "xrf", output])
    #expect(xrfOnly.status == 0, "\(xrfOnly.standardError)")
    #expect(try Self.detections(xrfOnly.standardOutput).count == 6)
  }

  @Test func tornAndInvalidRecordsAreReportedWithFileAndLineAndSkipped() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    try FileManager.default.copyItem(atPath: fixture.spool, toPath: spool)
    let segment = try FileManager.default.contentsOfDirectory(atPath: spool + "/new").sorted()[0]
    let path = spool + "/new/" + segment
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let lines = bytes.split(separator: 0x0A).count
    // A record cut short by a crash, then a line that is not JSON at all, then a torn tail.
    let tenth = bytes.split(separator: 0x0A)[9]
    bytes.append(contentsOf: tenth.prefix(200))
    bytes.append(0x0A)
    bytes.append(contentsOf: Array("not a record\n".utf8))
    bytes.append(contentsOf: Array(#"{"schema":1,"type":"acquisition""#.utf8))
    try bytes.write(to: URL(fileURLWithPath: path))

    let output = directory + "/torn.nxs"
    let export = try await Self.whitlockctl(["export", "--format", "nexus", spool, "-o", output])
    #expect(export.status == 0, "\(export.standardError)")
    #expect(export.standardError.contains("new/\(segment):\(lines + 1): invalid JSON"))
    #expect(export.standardError.contains("new/\(segment):\(lines + 2): invalid JSON"))
    #expect(export.standardError.contains("new/\(segment):\(lines + 3): torn record"))
    #expect(export.standardOutput.contains("30 spectra"), "\(export.standardOutput)")
    #expect(export.standardOutput.contains("3 unreadable line(s) skipped"))
    let analyzed = try await Self.whitlockctl(["analyze", output])
    #expect(try Self.detections(analyzed.standardOutput).count == 30)

    let strict = directory + "/strict.nxs"
    let refused = try await Self.whitlockctl([
      "export", "--format", "nexus", "--strict", spool, "-o", strict,
    ])
    #expect(refused.status == 1)
    #expect(
      refused.standardError.contains("new/\(segment):\(lines + 1)"), "\(refused.standardError)")
    #expect(refused.standardError.contains("--strict: nothing written"))
    #expect(Self.outputs(in: directory) == ["torn.nxs"])
  }

  @Test func anUnknownRunIsAClearErrorAndLeavesTheOldFileAlone() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = directory + "/old.nxs"
    try "previous contents".write(toFile: output, atomically: true, encoding: .utf8)
    let unknown = "00000000-0000-4000-8000-000000000000"
    let export = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "--run", unknown, "-o", output,
    ])
    #expect(export.status == 1)
    #expect(export.standardError.contains("run \(unknown) is not in \(fixture.spool)"))
    #expect(export.standardError.contains(fixture.runs[0]), "\(export.standardError)")
    #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous contents")
    #expect(Self.outputs(in: directory) == ["old.nxs"])
  }

  @Test func anUnwritableOutputIsAClearErrorWithNoFileLeft() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let missing = directory + "/no-such-directory/out.nxs"
    let first = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "-o", missing,
    ])
    #expect(first.status == 1)
    #expect(
      first.standardError.contains("cannot write \(missing)")
        && first.standardError.contains("No such file or directory"), "\(first.standardError)")

    try "a file".write(toFile: directory + "/plain", atomically: true, encoding: .utf8)
    let underFile = directory + "/plain/out.nxs"
    let second = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "-o", underFile,
    ])
    #expect(second.status == 1)
    #expect(second.standardError.contains("Not a directory"), "\(second.standardError)")

    let third = try await Self.whitlockctl([
      "export", "--format", "nexus", fixture.spool, "-o", directory,
    ])
    #expect(third.status == 1)
    #expect(third.standardError.contains("it is a directory"), "\(third.standardError)")
    #expect(Self.outputs(in: directory) == ["plain"])

    let notSpool = try await Self.whitlockctl([
      "export", "--format", "nexus", directory, "-o", directory + "/x.nxs",
    ])
    #expect(notSpool.status == 1)
    #expect(notSpool.standardError.contains("is not a whitlockd spool"))
  }

  /// An instrument id that is a member every entry has (`sample`), and one that maps to the
  /// NeXus name the first was given instead (`sample-2`), still get groups of their own, and the
  /// entry's `sample` stays NXsample.
  @Test func instrumentIdsThatCollideGetNumberedGroups() async throws {
    let fixture = try await Self.shared.value
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    try FileManager.default.copyItem(atPath: fixture.spool, toPath: spool)
    for segment in try FileManager.default.contentsOfDirectory(atPath: spool + "/new") {
      let path = spool + "/new/" + segment
      let text = try String(contentsOfFile: path, encoding: .utf8)
        .replacingOccurrences(of: #""id":"raman-sim""#, with: #""id":"sample""#)
        .replacingOccurrences(of: #""id":"xrf-sim""#, with: #""id":"sample-2""#)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let output = directory + "/ids.nxs"
    let export = try await Self.whitlockctl([
      "export", "--format", "nexus", spool, "--run", fixture.runs[0], "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")
    let script = """
      import sys, h5py
      f = h5py.File(sys.argv[1], "r")
      e = f[f.attrs["default"]]
      def cls(path): return e[path].attrs["NX_class"]
      def text(path): return e[path][()].decode()
      print(cls("sample"), cls("sample_2"), text("sample_2/name"), cls("sample_2_spectra"),
            cls("sample_2_2"), text("sample_2_2/name"), e["sample_2_spectra/counts"].shape[0],
            e["sample_2_2_spectra/counts"].shape[0])
      """
    let check = try await runTool(try await Self.python(), ["-c", script, output])
    #expect(check.status == 0, "\(check.errors)")
    #expect(
      check.output.trimmingCharacters(in: .whitespacesAndNewlines)
        == "NXsample NXinstrument sample NXdata NXinstrument sample-2 12 3", "\(check.output)"
    )
  }
}
