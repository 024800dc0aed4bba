import Foundation

/// `whitlockctl map image`: a map from the spool rendered as a PNG (`MapImageRenderer`,
/// `PNGEncoder`), written under a temporary name and renamed when complete.
public enum MapImage {
  /// What was written.
  public struct Summary: Sendable {
    public var width: Int
    public var height: Int
    public var columns: Int
    public var rows: Int
    /// Points the quantity's technique measured.
    public var cellsShown: Int
    /// Points of the plan it did not (yet) measure.
    public var cellsMissing: Int
    public var bytes: Int
  }

  /// Renders map `mapID` of `spool` showing `quantity` into the PNG file `output`.
  public static func write(
    mapID: String, spool: String, quantity: MapQuantity, output: String,
    warning: (String) -> Void = { _ in }
  ) throws(MapImageError) -> Summary {
    let raster = try MapRaster.load(spool: spool, mapID: mapID, warning: warning)
    let (image, text) = MapImageRenderer.render(raster, quantity: quantity)
    let bytes = PNGEncoder.encode(image, text: text)
    let temporary: TemporaryOutput
    do { temporary = try TemporaryOutput(finalPath: output) } catch {
      throw MapImageError(error.description)
    }
    guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes)) else {
      temporary.discard()
      throw MapImageError("cannot write \(output)")
    }
    do { try temporary.commit() } catch { throw MapImageError(error.description) }
    let scaleTop = quantity == .mgCa ? (raster.cells.compactMap(\.mgCa).max() ?? 1) : 1
    let shown = raster.cells.filter {
      $0.inRegion && MapImageRenderer.colour(of: $0, quantity: quantity, scaleTop: scaleTop) != nil
    }.count
    let planned = raster.cells.filter(\.inRegion).count
    return Summary(
      width: image.width, height: image.height, columns: raster.columns, rows: raster.rows,
      cellsShown: shown, cellsMissing: planned - shown, bytes: bytes.count)
  }
}
