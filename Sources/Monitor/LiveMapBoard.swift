import Synchronization
import WhitlockCore

/// The current map as the live page draws it: every point's values so far, kept from the
/// published `map` and acquisition events (those whose `map` member names the map), so a page
/// opened mid-map replays the picture (`GET /api/v1/maps/current/points`) and a click on a point
/// shows its spectrum with the fitted bands (`GET /api/v1/maps/current/points/{index}`).
///
/// Memory is bounded: a few values per point, at most `maximumPoints` points (a plan's limit),
/// and the decimated spectra (≤ 256 points each, stored as 32-bit values) of the
/// `spectraKept` most recently measured points; older points answer without a spectrum.
/// A new map id starts the board afresh.
public final class LiveMapBoard: Sendable {
  /// Points whose values are kept (a scan plan has at most 1,000,000).
  public let maximumPoints: Int
  /// Points whose spectra are kept, the most recent ones.
  public let spectraKept: Int

  /// One point's values, by technique; the latest acquisition of each technique wins.
  struct Point {
    var gridIndex: Int
    var column: Int
    var row: Int
    var stage: (x: Double, y: Double)?
    var fraction: Double?
    var fractionSigma: Double?
    var phase: String?
    var mgCa: Double?
    var mgCaSigma: Double?
    var mgCaBelowDetection: Bool?
    var mgCaLimit: Double?
    var raman: Spectrum?
    var xrf: Spectrum?
  }

  /// A decimated spectrum with what the detector fitted in it.
  struct Spectrum {
    var instrument: String
    var unit: String
    var axis: [Float]
    var counts: [UInt32]
    /// Raman: the fitted bands (name, centre, FWHM, area) with a positive area.
    var bands: [(name: String, centre: Double, fwhm: Double, area: Double)]
  }

  private struct State {
    var mapID: String?
    var mapState: String?
    var pointsDone: Int?
    var pointsTotal: Int?
    var plan: JSONValue?
    var points: [Int: Point] = [:]
    /// Grid indices in the order their spectra arrived (oldest first from `head`), each with
    /// the stamp of that arrival; `latestStamp` holds each kept point's latest.
    var spectraOrder: [(index: Int, stamp: Int)] = []
    var head = 0
    var nextStamp = 0
    var latestStamp: [Int: Int] = [:]
    var pointsWithSpectra = 0
  }

  private let state = Mutex(State())

  public init(maximumPoints: Int = 1_000_000, spectraKept: Int = 4096) {
    self.maximumPoints = max(1, maximumPoints)
    self.spectraKept = max(1, spectraKept)
  }

  /// Takes a published event: `map` events set the map's progress and plan; acquisition events
  /// with a `map` member set that point's values and spectrum; others are ignored.
  public func observe(_ kind: LiveEvent.Kind, _ value: JSONValue) {
    switch kind {
    case .map:
      guard let id = value["map_id"]?.stringValue else { return }
      state.withLock { state in
        if state.mapID != id { state = State(mapID: id) }
        state.mapState = value["state"]?.stringValue ?? state.mapState
        state.pointsDone = value["points_done"]?.doubleValue.map { Int($0) } ?? state.pointsDone
        state.pointsTotal = value["points_total"]?.doubleValue.map { Int($0) } ?? state.pointsTotal
        if let plan = value["plan"] { state.plan = plan }
      }
    case .acquisition:
      guard let map = value["map"], let id = map["map_id"]?.stringValue,
        let index = Self.integer(map["grid_index"]), let column = Self.integer(map["column"]),
        let row = Self.integer(map["row"]), index >= 0, column >= 0, row >= 0
      else { return }
      let technique = value["instrument"]?["kind"]?.stringValue
      let detection = value["detection"]
      var stage: (x: Double, y: Double)?
      if case .array(let pair)? = map["stage_um"], pair.count == 2, let x = pair[0].doubleValue,
        let y = pair[1].doubleValue
      {
        stage = (x: x, y: y)
      }
      let spectrum = Self.spectrum(value, isRaman: technique == "raman")
      state.withLock { state in
        if state.mapID != id { state = State(mapID: id) }
        guard state.points[index] != nil || state.points.count < maximumPoints else { return }
        var point =
          state.points[index] ?? Point(gridIndex: index, column: column, row: row)
        point.column = column
        point.row = row
        if let stage { point.stage = stage }
        if technique == "raman" {
          point.fraction = detection?["whitlockite_fraction"]?.doubleValue
          point.fractionSigma = detection?["whitlockite_fraction_sigma"]?.doubleValue
          point.phase = detection?["phase"]?.stringValue
          point.raman = spectrum
        } else if technique == "xrf" {
          let below = Self.mgCaBelowDetection(detection)
          point.mgCaBelowDetection = below
          point.mgCa = below == true ? nil : detection?["mg_ca_ratio"]?.doubleValue
          point.mgCaSigma = below == true ? nil : detection?["mg_ca_ratio_sigma"]?.doubleValue
          point.mgCaLimit = detection?["mg_ca_detection_limit"]?.doubleValue
          point.xrf = spectrum
        } else {
          return
        }
        state.points[index] = point
        if spectrum != nil { Self.keepSpectrum(of: index, in: &state, limit: spectraKept) }
      }
    case .instrument, .run:
      return
    }
  }

  /// Whether the map's points are kept for this id (the current map).
  public var currentMapID: String? { state.withLock { $0.mapID } }

  /// `GET /api/v1/maps/current/points`: the map's id, state, progress and plan, and every point
  /// measured so far (`grid_index`, `column`, `row`, `stage_um`, `whitlockite_fraction(_sigma)`,
  /// `phase`, `mg_ca_ratio(_sigma)`, `mg_ca_below_detection`, `mg_ca_detection_limit`,
  /// `spectrum`: whether its spectrum is still kept), in grid order. `map_id` is null before
  /// the first map.
  public func pointsDocument() -> JSONValue {
    state.withLock { state in
      let points = state.points.values.sorted { $0.gridIndex < $1.gridIndex }.map { point in
        JSONValue.object(
          Self.members(of: point) + [
            ("spectrum", .bool(point.raman != nil || point.xrf != nil))
          ])
      }
      return .object(Self.header(state) + [("points", .array(points))])
    }
  }

  /// `GET /api/v1/maps/current/points/{index}`: the point's values with its Raman and XRF
  /// spectra (`unit`, `axis`, `counts`, and for Raman the fitted `bands`), or nil when the
  /// current map has no such point.
  public func pointDocument(index: Int) -> JSONValue? {
    state.withLock { state in
      guard let point = state.points[index] else { return nil }
      var members = Self.header(state).filter { $0.0 == "map_id" } + Self.members(of: point)
      for (name, spectrum) in [("raman", point.raman), ("xrf", point.xrf)] {
        guard let spectrum else {
          members.append((name, .null))
          continue
        }
        members.append(
          (
            name,
            .object([
              ("instrument", .string(spectrum.instrument)), ("unit", .string(spectrum.unit)),
              ("axis", .array(spectrum.axis.map { .number(Double($0)) })),
              ("counts", .array(spectrum.counts.map { .int(Int64($0)) })),
              (
                "bands",
                .array(
                  spectrum.bands.map { band in
                    .object([
                      ("name", .string(band.name)), ("centre_cm1", .number(band.centre)),
                      ("fwhm_cm1", .number(band.fwhm)), ("area", .number(band.area)),
                    ])
                  })
              ),
            ])
          ))
      }
      return .object(members)
    }
  }

  private static func header(_ state: State) -> [(String, JSONValue)] {
    [
      ("map_id", state.mapID.map(JSONValue.string) ?? .null),
      ("state", state.mapState.map(JSONValue.string) ?? .null),
      ("points_done", state.pointsDone.map { .int(Int64($0)) } ?? .null),
      ("points_total", state.pointsTotal.map { .int(Int64($0)) } ?? .null),
      ("plan", state.plan ?? .null),
    ]
  }

  private static func members(of point: Point) -> [(String, JSONValue)] {
    [
      ("grid_index", .int(Int64(point.gridIndex))), ("column", .int(Int64(point.column))),
      ("row", .int(Int64(point.row))),
      ("stage_um", point.stage.map { .array([.number($0.x), .number($0.y)]) } ?? .null),
      ("whitlockite_fraction", .number(point.fraction)),
      ("whitlockite_fraction_sigma", .number(point.fractionSigma)),
      ("phase", point.phase.map(JSONValue.string) ?? .null),
      ("mg_ca_ratio", .number(point.mgCa)), ("mg_ca_ratio_sigma", .number(point.mgCaSigma)),
      ("mg_ca_below_detection", point.mgCaBelowDetection.map(JSONValue.bool) ?? .null),
      ("mg_ca_detection_limit", .number(point.mgCaLimit)),
    ]
  }

  /// Mg/Ca is below detection when the detector says so, when Mg is not significant, or when
  /// the ratio is not positive: such a ratio is never shown as a value.
  static func mgCaBelowDetection(_ detection: JSONValue?) -> Bool? {
    guard let detection else { return nil }
    if detection["mg_ca_below_detection"] == .bool(true) { return true }
    if case .array(let flags)? = detection["flags"],
      flags.contains(.string("mg_not_significant"))
    {
      return true
    }
    if let ratio = detection["mg_ca_ratio"]?.doubleValue { return ratio <= 0 }
    return detection["mg_ca_below_detection"] == .bool(false) ? false : nil
  }

  /// The event's decimated spectrum (and Raman bands), compactly.
  private static func spectrum(_ event: JSONValue, isRaman: Bool) -> Spectrum? {
    guard let spectrum = event["spectrum"], case .array(let axis)? = spectrum["axis"],
      case .array(let counts)? = spectrum["counts"], axis.count == counts.count, !axis.isEmpty,
      axis.count <= 4096
    else { return nil }
    var bands: [(name: String, centre: Double, fwhm: Double, area: Double)] = []
    if isRaman, case .array(let fitted)? = event["detection"]?["bands"] {
      for band in fitted {
        guard let name = band["name"]?.stringValue, let centre = band["centre_cm1"]?.doubleValue,
          let fwhm = band["fwhm_cm1"]?.doubleValue, let area = band["area"]?.doubleValue,
          area > 0, centre.isFinite, fwhm.isFinite
        else { continue }
        bands.append((name, centre, fwhm, area))
      }
    }
    return Spectrum(
      instrument: event["instrument"]?["id"]?.stringValue ?? "",
      unit: spectrum["unit"]?.stringValue ?? "",
      axis: axis.map { Float($0.doubleValue ?? .nan) },
      counts: counts.map { UInt32(clamping: Int64($0.doubleValue ?? 0)) }, bands: bands)
  }

  /// Notes that `index` has a new spectrum and drops the spectra of the points measured
  /// longest ago beyond `limit` points (a point measured again counts from its latest spectrum).
  private static func keepSpectrum(of index: Int, in state: inout State, limit: Int) {
    if state.latestStamp[index] == nil { state.pointsWithSpectra += 1 }
    state.nextStamp += 1
    state.latestStamp[index] = state.nextStamp
    state.spectraOrder.append((index, state.nextStamp))
    while state.pointsWithSpectra > limit, state.head < state.spectraOrder.count {
      let oldest = state.spectraOrder[state.head]
      state.head += 1
      guard state.latestStamp[oldest.index] == oldest.stamp else { continue }  // superseded
      state.latestStamp[oldest.index] = nil
      state.points[oldest.index]?.raman = nil
      state.points[oldest.index]?.xrf = nil
      state.pointsWithSpectra -= 1
    }
    // Superseded entries are dropped once they outnumber the kept ones, so the list stays
    // within a small multiple of `limit` however often points are measured again.
    if state.spectraOrder.count - state.head > 2 * limit + 16 {
      let stamps = state.latestStamp
      state.spectraOrder = state.spectraOrder[state.head...].filter {
        stamps[$0.index] == $0.stamp
      }
      state.head = 0
    } else if state.head > limit {
      state.spectraOrder.removeFirst(state.head)
      state.head = 0
    }
  }

  private static func integer(_ value: JSONValue?) -> Int? {
    switch value {
    case .int(let number)?: return Int(exactly: number)
    case .double(let number)?: return Int(exactly: number)
    default: return nil
    }
  }
}
