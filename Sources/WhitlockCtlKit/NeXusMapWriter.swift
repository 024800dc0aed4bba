import Detection
import HDF5
import Mapping
import Records
import WhitlockCore

/// Writes one map (a `map-plan` record and the acquisitions whose `map` member names it) as a
/// NeXus `NXentry` that opens as a picture in silx, nexusformat and PyMca:
///
/// - `map` (`NXdata`, the entry's `@default`): rows × columns images against `y` and `x` (µm,
///   the plan's grid): `whitlockite_fraction` (the signal) with `_errors`, `phase_code` (an index
///   into `phase_names`, −1 where no Raman spectrum was recorded), `mg_ca_ratio` with `_errors`,
///   `mg_ca_below_detection` (1, 0, −1 not measured) and `mg_ca_detection_limit`, `grid_index`
///   (the point's visiting order, −1 for cells outside the region) and `stage_x`/`stage_y` (the
///   positions the stage measured);
/// - `raman_spectra`, `xrf_spectra` (`NXdata`): the counts cube rows × columns × channel against
///   `y`, `x` and the spectral axis.
///
/// A point's values and spectrum come from its first recorded acquisition of each technique
/// (repeat 0 in a complete map); every acquisition, repeats included, is also in its run's entry.
/// The images are kept in memory (a few values per grid cell, at most 1,000,000 cells) and
/// written at the end; spectra are written a cell at a time as they arrive.
final class NeXusMapWriter {
  /// The map's plan.
  let plan: ScanPlan
  /// The entry's group name.
  let name: String

  private let group: HDF5Group
  private let data: HDF5Group
  private let grid: ScanGrid
  private let cells: Int
  private var fraction: [Double]
  private var fractionSigma: [Double]
  private var phaseCode: [Int8]
  private var mgCa: [Double]
  private var mgCaSigma: [Double]
  private var mgCaBelow: [Int8]
  private var mgCaLimit: [Double]
  private var stageX: [Double]
  private var stageY: [Double]
  private var ramanTaken: [Bool]
  private var xrfTaken: [Bool]
  private var cubes: [InstrumentKind: Cube] = [:]
  private var phaseNames: [String] = MineralPhase.allCases.map(\.rawValue)
  private var earliest: String?
  private var latest: String?
  /// Acquisitions naming this map whose point is not on its grid, or whose spectrum does not
  /// fit the cube made for the first spectrum of that technique.
  private(set) var mismatched = 0

  /// One technique's counts cube and the layout it was made for.
  private struct Cube {
    var counts: HDF5CellVectors<UInt32>
    var axis: AxisCalibration
  }

  /// Creates entry `name` in `root` for the map `record` plans.
  init(root: HDF5Group, name: String, record: MapPlanRecord) throws(HDF5Error) {
    plan = record.plan
    self.name = name
    grid = record.plan.grid
    cells = grid.rows * grid.columns
    fraction = Array(repeating: .nan, count: cells)
    fractionSigma = fraction
    mgCa = fraction
    mgCaSigma = fraction
    mgCaLimit = fraction
    stageX = fraction
    stageY = fraction
    phaseCode = Array(repeating: -1, count: cells)
    mgCaBelow = phaseCode
    ramanTaken = Array(repeating: false, count: cells)
    xrfTaken = ramanTaken
    group = try root.createGroup(name)
    try group.setAttribute("NX_class", "NXentry")
    try group.write("title", "whitlockd map \(plan.id)")
    try group.write("entry_identifier", plan.id)
    try group.write("run_id", record.header.runID)
    try group.write("program_name", "whitlockd")
    try group.write("plan", NeXusInstrumentWriter.text(plan.recordValue)).setAttribute(
      "description", "the map-plan record's plan (JSON)")
    data = try group.createGroup("map")
    try data.setAttribute("NX_class", "NXdata")
    try group.setAttribute("default", "map")
    earliest = record.header.time
    latest = record.header.time
  }

  /// Takes an acquisition of this map at `point`.
  func append(_ acquisition: AcquisitionRecord, point: MapPointRecord) throws(HDF5Error) {
    guard (0..<grid.columns).contains(point.column), (0..<grid.rows).contains(point.row) else {
      mismatched += 1
      return
    }
    let cell = point.row * grid.columns + point.column
    let kind = acquisition.header.instrument.kind
    if kind == .raman ? ramanTaken[cell] : xrfTaken[cell] { return }
    let time = acquisition.exposure.started
    if earliest.map({ time < $0 }) ?? true { earliest = time }
    if latest.map({ time > $0 }) ?? true { latest = time }
    if stageX[cell].isNaN {
      stageX[cell] = point.stagePosition.x
      stageY[cell] = point.stagePosition.y
    }
    switch acquisition.detection {
    case .raman(let result, _):
      ramanTaken[cell] = true
      fraction[cell] = result.whitlockiteFraction.value ?? .nan
      fractionSigma[cell] = result.whitlockiteFraction.sigma ?? .nan
      if let phase = result.phase {
        if let index = phaseNames.firstIndex(of: phase) {
          phaseCode[cell] = Int8(clamping: index)
        } else if phaseNames.count < Int(Int8.max) {
          phaseNames.append(phase)
          phaseCode[cell] = Int8(phaseNames.count - 1)
        }
      } else {
        phaseCode[cell] = Int8(phaseNames.firstIndex(of: MineralPhase.none.rawValue) ?? 0)
      }
    case .xrf(let result, _):
      xrfTaken[cell] = true
      mgCa[cell] = result.mgCaRatio.value ?? .nan
      mgCaSigma[cell] = result.mgCaRatio.sigma ?? .nan
      mgCaLimit[cell] = result.mgCaDetectionLimit ?? .nan
      if let below = result.mgCaBelowDetection { mgCaBelow[cell] = below ? 1 : 0 }
    }
    let cube: Cube
    if let existing = cubes[kind] {
      cube = existing
    } else {
      cube = try makeCube(kind: kind, first: acquisition)
      cubes[kind] = cube
    }
    guard cube.axis == acquisition.axis, cube.counts.length == acquisition.counts.count else {
      mismatched += 1
      return
    }
    try cube.counts.write(row: point.row, column: point.column, acquisition.counts)
  }

  private func makeCube(kind: InstrumentKind, first: AcquisitionRecord) throws(HDF5Error) -> Cube {
    let spectra = try group.createGroup(kind == .raman ? "raman_spectra" : "xrf_spectra")
    try spectra.setAttribute("NX_class", "NXdata")
    let counts = try HDF5CellVectors<UInt32>(
      in: spectra, "counts", rows: grid.rows, columns: grid.columns, length: first.counts.count)
    try counts.dataset.setAttribute("units", "counts")
    try counts.dataset.setAttribute(
      "long_name", "\(first.header.instrument.id) raw counts (0 where not measured)")
    let axisName = kind == .raman ? "raman_shift" : "energy"
    let values = (0..<first.counts.count).map { first.axis.axisValue(atChannel: Double($0)) }
    try spectra.write(axisName, values).setAttribute("units", kind == .raman ? "1/cm" : "keV")
    try writeAxes(in: spectra)
    try spectra.setAttribute("signal", "counts")
    try spectra.setAttribute("axes", ["y", "x", axisName])
    try spectra.setAttribute("y_indices", Int64(0))
    try spectra.setAttribute("x_indices", Int64(1))
    try spectra.setAttribute("\(axisName)_indices", Int64(2))
    try spectra.write("instrument", first.header.instrument.id)
    return Cube(counts: counts, axis: first.axis)
  }

  /// The grid's `x` (columns) and `y` (rows) axes in µm.
  private func writeAxes(in target: HDF5Group) throws(HDF5Error) {
    let (low, _) = plan.region.bounds
    let x = (0..<grid.columns).map { low.x + Double($0) * plan.step }
    let y = (0..<grid.rows).map { low.y + Double($0) * plan.step }
    let xAxis = try target.write("x", x)
    try xAxis.setAttribute("units", "um")
    try xAxis.setAttribute("long_name", "stage x (µm)")
    let yAxis = try target.write("y", y)
    try yAxis.setAttribute("units", "um")
    try yAxis.setAttribute("long_name", "stage y (µm)")
  }

  /// Writes the images, the axes and the entry's times.
  func finish() throws(HDF5Error) {
    let shape = [grid.rows, grid.columns]
    var indices = [Int64](repeating: -1, count: cells)
    for point in grid.points {
      indices[point.row * grid.columns + point.column] = Int64(point.index)
    }
    let signal = try data.write("whitlockite_fraction", fraction, shape: shape)
    try signal.setAttribute("long_name", "whitlockite fraction (NaN where not measured)")
    try signal.setAttribute("interpretation", "image")
    try data.write("whitlockite_fraction_errors", fractionSigma, shape: shape)
    let phases = try data.write("phase_code", phaseCode, shape: shape)
    try phases.setAttribute(
      "description",
      "the Raman phase: index into phase_names; -1 where no Raman spectrum was recorded")
    try phases.setAttribute("interpretation", "image")
    try data.write("phase_names", phaseNames).setAttribute(
      "description", "phase_code's table: phase_names[code]")
    let ratio = try data.write("mg_ca_ratio", mgCa, shape: shape)
    try ratio.setAttribute(
      "long_name", "Mg/Ca (NaN where not measured or below detection: see mg_ca_below_detection)")
    try ratio.setAttribute("interpretation", "image")
    try data.write("mg_ca_ratio_errors", mgCaSigma, shape: shape)
    try data.write("mg_ca_below_detection", mgCaBelow, shape: shape).setAttribute(
      "description", "1 below the detection limit, 0 above, -1 not measured")
    try data.write("mg_ca_detection_limit", mgCaLimit, shape: shape)
    try data.write("grid_index", indices, shape: shape).setAttribute(
      "description", "the point's index in the plan's visiting order; -1 outside the region")
    try data.write("stage_x", stageX, shape: shape).setAttribute("units", "um")
    try data.write("stage_y", stageY, shape: shape).setAttribute("units", "um")
    try writeAxes(in: data)
    try data.setAttribute("signal", "whitlockite_fraction")
    try data.setAttribute("auxiliary_signals", ["phase_code", "mg_ca_ratio"])
    try data.setAttribute("axes", ["y", "x"])
    try data.setAttribute("y_indices", Int64(0))
    try data.setAttribute("x_indices", Int64(1))
    try group.write("start_time", earliest ?? "")
    try group.write("end_time", latest ?? earliest ?? "")
    let measured = zip(ramanTaken, xrfTaken).filter { $0 || $1 }.count
    try group.write("points_measured", Int64(measured))
    try group.write("points_planned", Int64(grid.points.count))
  }
}
