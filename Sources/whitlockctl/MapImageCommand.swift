import ArgumentParser
import Foundation
import WhitlockCtlKit

/// `whitlockctl map image`: a map from the spool as a picture for a report.
struct MapImageCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "image",
    abstract: "Render a map from the spool as a PNG: whitlockite fraction, phase or Mg/Ca.",
    discussion: """
      One square per grid point (row 0, the smallest y, at the top) with a colour scale under
      it: fraction 0 to 1 and Mg/Ca 0 to the map's largest ratio on viridis, Mg/Ca below
      detection grey, a colour per phase, light grey where the detector gave no value (no
      phosphate, no ratio); points not measured are dark with a light cross. A
      point's value is that of its first recorded acquisition. The layout and colours are in the
      PNG's whitlock:map text chunk (JSON). See docs/mapping.md.
      """)

  @Argument(help: "The map id (the plan's map_id).") var mapID: String
  @Option(help: "The spool directory.") var spool: String
  @Option(help: "What to show: fraction, phase or mg_ca.") var quantity = "fraction"
  @Option(help: "Image format: png.") var format = "png"
  @Option(name: .shortAndLong, help: "The image file to write.") var output: String

  func run() throws {
    guard let shown = MapQuantity(rawValue: quantity) else {
      throw ValidationError("--quantity \(quantity): use fraction, phase or mg_ca")
    }
    guard format == "png" else { throw ValidationError("--format \(format): use png") }
    do {
      let summary = try MapImage.write(
        mapID: mapID, spool: spool, quantity: shown, output: output
      ) { warning in
        FileHandle.standardError.write(Data("whitlockctl map image: \(warning)\n".utf8))
      }
      print(
        "\(output): map \(mapID), \(shown.rawValue), \(summary.columns) x \(summary.rows) points, "
          + "\(summary.cellsShown) measured, \(summary.cellsMissing) not measured, "
          + "\(summary.width) x \(summary.height) px, \(summary.bytes) bytes")
    } catch {
      FileHandle.standardError.write(Data("whitlockctl map image: \(error.description)\n".utf8))
      throw ExitCode.failure
    }
  }
}
