import WhitlockCore

/// What a map image shows.
public enum MapQuantity: String, Sendable, CaseIterable {
  /// The whitlockite fraction, 0 to 1.
  case fraction
  /// The phase the Raman detector named, one colour each.
  case phase
  /// Mg/Ca, 0 to the map's largest ratio; below detection in grey.
  case mgCa = "mg_ca"
}

/// Draws a map as a picture for a report: one square of `cellPixels` per grid cell (row 0, the
/// smallest y, at the top), a colour scale under it, points not measured dark with a light cross,
/// Mg/Ca below detection grey, measured points without a value (no phosphate for a fraction)
/// light grey, cells outside the region white. The layout and the colours are
/// written into the PNG as a `tEXt` chunk (`whitlock:map`, JSON) so a reader can check pixels.
public enum MapImageRenderer {
  /// The colour scale: five points of matplotlib's viridis, interpolated linearly.
  public static let ramp: [RGB] = [
    RGB(68, 1, 84), RGB(59, 82, 139), RGB(33, 145, 140), RGB(94, 201, 98), RGB(253, 231, 37),
  ]
  public static let background = RGB(255, 255, 255)
  public static let missing = RGB(40, 40, 40)
  public static let missingMark = RGB(230, 230, 230)
  public static let belowDetection = RGB(160, 160, 160)
  /// Measured, but the detector gave no value (no phosphate for a fraction, no ratio).
  public static let noValue = RGB(215, 215, 215)
  /// A colour per phase name (others: `otherPhase`).
  public static let phases: [(String, RGB)] = [
    ("whitlockite", RGB(224, 108, 117)), ("merrillite", RGB(190, 80, 70)),
    ("apatite", RGB(97, 175, 239)), ("phosphate-undetermined", RGB(86, 182, 194)),
    ("acp", RGB(152, 195, 121)), ("brushite", RGB(209, 154, 102)),
    ("oxalate-com", RGB(229, 192, 123)), ("oxalate-cod", RGB(240, 213, 140)),
    ("oxalate", RGB(200, 170, 60)), ("calcite", RGB(198, 120, 221)), ("none", RGB(75, 85, 99)),
  ]
  public static let otherPhase = RGB(171, 178, 191)
  static let margin = 8

  /// The colour of `t` (0…1, clamped) on `ramp`.
  public static func colour(at t: Double) -> RGB {
    let position = max(0, min(1, t.isFinite ? t : 0)) * Double(ramp.count - 1)
    let index = min(ramp.count - 2, Int(position))
    let f = position - Double(index)
    func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Double(a) + (Double(b) - Double(a)) * f + 0.5).rounded(.down))
    }
    let (a, b) = (ramp[index], ramp[index + 1])
    return RGB(channel(a.red, b.red), channel(a.green, b.green), channel(a.blue, b.blue))
  }

  /// The image of `raster` showing `quantity`, and its PNG text chunks.
  public static func render(_ raster: MapRaster, quantity: MapQuantity)
    -> (image: RGBImage, text: [(String, String)])
  {
    let cell = max(4, min(32, 480 / max(raster.columns, raster.rows)))
    let mapWidth = raster.columns * cell
    let mapHeight = raster.rows * cell
    var scaleTop = 1.0
    if quantity == .mgCa {
      let largest = raster.cells.compactMap(\.mgCa).max() ?? 0
      scaleTop = largest > 0 ? largest : 1
    }
    let phasesShown: [(String, RGB)] = {
      let present = Set(raster.cells.compactMap(\.phase))
      var shown = phases.filter { present.contains($0.0) }
      for name in present.sorted() where !phases.contains(where: { $0.0 == name }) {
        shown.append((name, otherPhase))
      }
      return shown
    }()
    let legendWidth = quantity == .phase ? max(1, phasesShown.count) * 20 + 40 : 256 + 80
    let width = 2 * margin + max(mapWidth, legendWidth)
    let height = 2 * margin + mapHeight + 8 + 16
    var image = RGBImage(width: width, height: height, colour: background)
    for row in 0..<raster.rows {
      for column in 0..<raster.columns {
        let x = margin + column * cell
        let y = margin + row * cell
        let value = raster.cell(column: column, row: row)
        guard value.inRegion else { continue }
        if let colour = colour(of: value, quantity: quantity, scaleTop: scaleTop) {
          image.fill(x: x, y: y, width: cell, height: cell, colour)
        } else {
          drawMissing(at: x, y, size: cell, into: &image)
        }
      }
    }
    // The scale: a gradient (with the below-detection and missing swatches), or phase swatches.
    let legendY = margin + mapHeight + 8
    var swatchX = margin
    if quantity == .phase {
      for (_, colour) in phasesShown {
        image.fill(x: swatchX, y: legendY, width: 16, height: 16, colour)
        swatchX += 20
      }
    } else {
      for step in 0..<256 {
        image.fill(
          x: margin + step, y: legendY, width: 1, height: 16, colour(at: Double(step) / 255))
      }
      swatchX = margin + 256 + 8
      if quantity == .mgCa {
        image.fill(x: swatchX, y: legendY, width: 16, height: 16, belowDetection)
        swatchX += 24
      }
    }
    drawMissing(at: swatchX, legendY, size: 16, into: &image)
    let layout = JSONValue.object([
      ("map_id", .string(raster.plan.id)), ("quantity", .string(quantity.rawValue)),
      ("columns", .int(Int64(raster.columns))), ("rows", .int(Int64(raster.rows))),
      ("cell_px", .int(Int64(cell))),
      ("origin_px", .array([.int(Int64(margin)), .int(Int64(margin))])),
      ("scale", .array([.number(0), .number(scaleTop)])),
      ("legend_y_px", .int(Int64(legendY))),
      ("phases", .object(phasesShown.map { ($0.0, rgbJSON($0.1)) })),
      ("missing", rgbJSON(missing)), ("missing_mark", rgbJSON(missingMark)),
      ("below_detection", rgbJSON(belowDetection)), ("no_value", rgbJSON(noValue)),
      ("background", rgbJSON(background)),
      ("x_um", .array([.number(raster.plan.region.bounds.min.x), .number(raster.plan.step)])),
      ("y_um", .array([.number(raster.plan.region.bounds.min.y), .number(raster.plan.step)])),
    ])
    let title =
      switch quantity {
      case .fraction: "whitlockite fraction"
      case .phase: "phase"
      case .mgCa: "Mg/Ca"
      }
    return (
      image,
      [
        ("Title", "map \(raster.plan.id): \(title)"),
        ("Software", "whitlockctl map image"),
        ("whitlock:map", NeXusInstrumentWriter.text(layout)),
      ]
    )
  }

  /// The cell's colour, or nil when the quantity's technique did not measure the point.
  static func colour(of cell: MapRaster.Cell, quantity: MapQuantity, scaleTop: Double) -> RGB? {
    switch quantity {
    case .fraction:
      guard cell.ramanMeasured else { return nil }
      return cell.fraction.map { colour(at: $0) } ?? noValue
    case .phase:
      guard cell.ramanMeasured else { return nil }
      return phases.first { $0.0 == (cell.phase ?? "none") }?.1 ?? otherPhase
    case .mgCa:
      guard cell.xrfMeasured else { return nil }
      if cell.mgCaBelowDetection { return belowDetection }
      return cell.mgCa.map { colour(at: $0 / scaleTop) } ?? noValue
    }
  }

  /// A dark square with a light cross corner to corner: nothing measured here.
  static func drawMissing(at x: Int, _ y: Int, size: Int, into image: inout RGBImage) {
    image.fill(x: x, y: y, width: size, height: size, missing)
    for step in 0..<size {
      image.set(x + step, y + step, missingMark)
      image.set(x + size - 1 - step, y + step, missingMark)
    }
  }

  private static func rgbJSON(_ colour: RGB) -> JSONValue {
    .array([.int(Int64(colour.red)), .int(Int64(colour.green)), .int(Int64(colour.blue))])
  }
}
