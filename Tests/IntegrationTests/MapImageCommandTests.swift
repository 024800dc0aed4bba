import Foundation
import TestSupport
import Testing

/// `whitlockctl map image` as a user runs it, on a map spool (`whitlock-nexus-bench generate
/// --map`, the last points unmeasured): each quantity's PNG decoded by Pillow and every cell
/// checked against the spool by `scripts/nexus/check_map_image.py`; bad inputs refused by name.
@Suite(.processHeavy) struct MapImageCommandTests {
  @Test func eachQuantityRendersEveryCellFromTheSpool() async throws {
    let directory = try NeXusExportTests.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let generated = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-nexus-bench")),
      ["generate", spool, "--map", "9x6", "--missing", "5"], deadline: 600)
    #expect(generated.status == 0, "\(generated.standardError)")
    let python = try await NeXusExportTests.python()
    for quantity in ["fraction", "phase", "mg_ca"] {
      let output = directory + "/map-\(quantity).png"
      let rendered = try await NeXusExportTests.whitlockctl([
        "map", "image", "map-1", "--spool", spool, "--quantity", quantity, "--format", "png",
        "-o", output,
      ])
      #expect(rendered.status == 0, "\(rendered.standardError)")
      #expect(rendered.standardOutput.contains("map map-1, \(quantity), 9 x 6 points"))
      #expect(rendered.standardOutput.contains("not measured"), "\(rendered.standardOutput)")
      let check = try await runTool(
        python,
        [repositoryRoot + "/scripts/nexus/check_map_image.py", output, spool, "map-1", quantity])
      #expect(check.status == 0, "\(quantity): \(check.output)\(check.errors)")
      #expect(check.output.contains("OK \(quantity) 9x6"), "\(check.output)")
      #expect(check.output.contains("49 measured"), "\(check.output)")
      #expect(check.output.contains("5 not measured"), "\(check.output)")
      if quantity == "mg_ca" {
        #expect(!check.output.contains("(0 below detection)"), "tissue is below detection")
      }
    }
  }

  @Test func anUnknownMapOrQuantityIsRefusedByName() async throws {
    let directory = try NeXusExportTests.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let generated = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlock-nexus-bench")),
      ["generate", spool, "--map", "2x2"], deadline: 600)
    #expect(generated.status == 0, "\(generated.standardError)")
    let unknown = try await NeXusExportTests.whitlockctl([
      "map", "image", "map-9", "--spool", spool, "-o", directory + "/x.png",
    ])
    #expect(unknown.status == 1)
    #expect(
      unknown.standardError.contains("has no map-plan record for map map-9 (maps there: map-1)"),
      "\(unknown.standardError)")
    let quantity = try await NeXusExportTests.whitlockctl([
      "map", "image", "map-1", "--spool", spool, "--quantity", "ca", "-o", directory + "/x.png",
    ])
    #expect(quantity.status != 0)
    #expect(quantity.standardError.contains("--quantity ca: use fraction, phase or mg_ca"))
    #expect(NeXusExportTests.outputs(in: directory) == [], "no image left behind")
  }
}
