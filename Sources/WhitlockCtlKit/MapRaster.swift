import Mapping
import Records
import Spool
import WhitlockCore

/// One map read from a spool: its plan's grid and, per cell, the values of the point's first
/// recorded Raman and XRF acquisitions (as in the NeXus export's map entry).
public struct MapRaster: Sendable {
  /// One grid cell.
  public struct Cell: Sendable, Equatable {
    /// Whether the plan has a point here (a polygon leaves some cells out).
    public var inRegion = false
    public var ramanMeasured = false
    public var xrfMeasured = false
    public var fraction: Double?
    public var phase: String?
    public var mgCa: Double?
    /// Mg/Ca below detection (flagged so, Mg not significant, or a ratio that is not positive).
    public var mgCaBelowDetection = false
  }

  public let plan: ScanPlan
  public let columns: Int
  public let rows: Int
  /// Row-major, row 0 at the smallest y.
  public private(set) var cells: [Cell]

  /// The cell at (`column`, `row`).
  public func cell(column: Int, row: Int) -> Cell { cells[row * columns + column] }

  init(plan: ScanPlan) {
    self.plan = plan
    let grid = plan.grid
    columns = grid.columns
    rows = grid.rows
    cells = Array(repeating: Cell(), count: grid.columns * grid.rows)
    for point in grid.points { cells[point.row * columns + point.column].inRegion = true }
  }

  /// Reads map `mapID` from the spool at `spool`; unreadable lines are passed to `warning` and
  /// skipped.
  public static func load(spool: String, mapID: String, warning: (String) -> Void = { _ in })
    throws(MapImageError) -> MapRaster
  {
    let stream: SpoolRecordStream
    do { stream = try SpoolRecordStream(layout: SpoolLayout(root: spool)) } catch {
      throw MapImageError(error.description)
    }
    var raster: MapRaster?
    var mapsSeen: [String] = []
    var offGrid = 0
    do {
      try stream.forEach(problem: { warning("\(spool)/\($0); skipped") }) { item in
        let record: StoredRecord
        do throws(RecordDecodingError) {
          record = try StoredRecord(
            item.record, at: RecordLocation(file: item.file, line: item.line))
        } catch {
          warning(
            "\(spool)/\(item.file):\(item.line): "
              + (error.member.isEmpty ? "" : error.member + ": ") + error.problem + "; skipped")
          return
        }
        switch record {
        case .mapPlan(let plan):
          if !mapsSeen.contains(plan.plan.id) { mapsSeen.append(plan.plan.id) }
          if plan.plan.id == mapID, raster == nil { raster = MapRaster(plan: plan.plan) }
        case .acquisition(let acquisition):
          guard let point = acquisition.map, point.mapID == mapID, raster != nil else { return }
          if !raster!.take(acquisition, at: point) { offGrid += 1 }
        default:
          return
        }
      }
    } catch {
      throw MapImageError("cannot read \(spool): \(error)")
    }
    guard let raster else {
      let known = mapsSeen.isEmpty ? "none" : mapsSeen.joined(separator: ", ")
      throw MapImageError("\(spool) has no map-plan record for map \(mapID) (maps there: \(known))")
    }
    if offGrid > 0 {
      warning("map \(mapID): \(offGrid) acquisition(s) name a cell outside its grid; left out")
    }
    return raster
  }

  /// Takes an acquisition of the map; false when its cell is not on the grid.
  mutating func take(_ acquisition: AcquisitionRecord, at point: MapPointRecord) -> Bool {
    guard (0..<columns).contains(point.column), (0..<rows).contains(point.row) else {
      return false
    }
    let index = point.row * columns + point.column
    switch acquisition.detection {
    case .raman(let result, _):
      guard !cells[index].ramanMeasured else { return true }
      cells[index].ramanMeasured = true
      cells[index].fraction = result.whitlockiteFraction.value
      cells[index].phase = result.phase ?? "none"
    case .xrf(let result, _):
      guard !cells[index].xrfMeasured else { return true }
      cells[index].xrfMeasured = true
      let ratio = result.mgCaRatio.value
      let below =
        result.mgCaBelowDetection == true || result.flags.contains("mg_not_significant")
        || (ratio.map { $0 <= 0 } ?? false)
      cells[index].mgCaBelowDetection = below
      cells[index].mgCa = below ? nil : ratio
    }
    return true
  }
}

/// Why a map image could not be made.
public struct MapImageError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
