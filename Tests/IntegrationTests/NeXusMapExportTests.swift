import Foundation
import TestSupport
import Testing

/// A spool holding a map (`map-plan` and acquisitions with their `map` member, written by
/// `whitlock-nexus-bench generate --map`) exported as NeXus: the map's entry is checked against
/// the spool by `scripts/nexus/check_map.py` (h5py values, silx and nexusformat opening it as a
/// 2-D map), and the run's entry by `check_export.py` as before (with punx).
@Suite(.processHeavy) struct NeXusMapExportTests {
  @Test func aMapExportsAsTwoDimensionalImagesAndASpectraCube() async throws {
    let directory = try NeXusExportTests.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    // 7 × 5 points, the last 4 not measured (an aborted map).
    let generated = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-nexus-bench")),
      ["generate", spool, "--map", "7x5", "--missing", "4"], deadline: 600)
    #expect(generated.status == 0, "\(generated.standardError)")
    let output = directory + "/map.nxs"
    let export = try await NeXusExportTests.whitlockctl([
      "export", "--format", "nexus", spool, "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")
    #expect(
      export.standardOutput.contains("1 run(s), 1 map(s), 62 spectra"), "\(export.standardOutput)")
    let python = try await NeXusExportTests.python()
    let map = try await runTool(
      python, [repositoryRoot + "/scripts/nexus/check_map.py", output, spool])
    #expect(map.status == 0, "\(map.output)\(map.errors)")
    #expect(map.output.contains("OK maps map-1 7x5 (31 points measured)"), "\(map.output)")
    let run = try await runTool(
      python, [repositoryRoot + "/scripts/nexus/check_export.py", output, spool])
    #expect(run.status == 0, "\(run.output)\(run.errors)")
    #expect(run.output.contains("OK 1 runs, 62 spectra checked"), "\(run.output)")
  }

  @Test func mapAcquisitionsWithoutTheirPlanAreExportedByRunWithAWarning() async throws {
    let directory = try NeXusExportTests.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let generated = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-nexus-bench")),
      ["generate", spool, "--map", "3x2"], deadline: 600)
    #expect(generated.status == 0, "\(generated.standardError)")
    // Seqs 1-2 are the run-starts and 3 the map-plan: from 4 on the plan is not selected.
    let output = directory + "/part.nxs"
    let export = try await NeXusExportTests.whitlockctl([
      "export", "--format", "nexus", spool + ":4-9", "-o", output,
    ])
    #expect(export.status == 0, "\(export.standardError)")
    #expect(export.standardOutput.contains("1 run(s), 6 spectra"), "\(export.standardOutput)")
    #expect(
      export.standardError.contains(
        "new/seg-0000000000000001.ndjson:4: map map-1 has no map-plan record in the selection"),
      "\(export.standardError)")
  }
}
