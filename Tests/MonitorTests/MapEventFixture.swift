import Detection
import Monitor
import SampleModels
import WhitlockCore

/// Live events of a small map as the daemon publishes them (a `map` event and, per point, a Raman
/// and an XRF acquisition event carrying the point's `map` member), with spectra simulated and
/// analysed by the real pipelines: a whitlockite-rich left part, apatite in the middle and soft
/// tissue (no calcification, Mg/Ca below detection) on the right.
struct MapEventFixture {
  let mapID = "map-live"
  let columns: Int
  let rows: Int
  let step = 25.0
  /// Each point's Raman and XRF events, in visiting order (snake).
  private(set) var pointEvents: [[JSONValue]] = []

  init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
    let ramanModel = RamanSampleModel(pixelCount: 2048)
    let xrfModel = XRFSampleModel(channelCount: 2048)
    let ramanPipeline = RamanPipeline(settings: RamanPipelineSettings())
    let xrfPipeline = XRFPipelineSettings()
    let xrfAnalyzer = XRFPipeline(settings: xrfPipeline)
    var random = RandomSource(seed: 7)
    let raman = InstrumentIdentity(
      id: "raman-sim", kind: .raman, model: "simulated QE Pro", serial: "SIM-R1",
      family: "simulated")
    let xrf = InstrumentIdentity(
      id: "xrf-sim", kind: .xrf, model: "simulated X-123SDD", serial: "SIM-X1",
      family: "simulated")
    var index = 0
    for row in 0..<rows {
      for step in 0..<columns {
        let column = row % 2 == 1 ? columns - 1 - step : step
        let zone = column * 3 / columns  // 0 core, 1 rim, 2 tissue
        let composition: RamanComposition =
          zone == 0
          ? .phosphate(strength: 2, whitlockiteFraction: 0.6)
          : zone == 1 ? .phosphate(strength: 2, whitlockiteFraction: 0.02) : RamanComposition()
        let elements =
          zone == 2
          ? XRFComposition(mgToCaMolar: 0, calciumStrength: 0.02, phosphorusStrength: 0.02)
          : XRFComposition(mgToCaMolar: zone == 0 ? 0.09 : 0.01)
        let ramanCounts = ramanModel.counts(for: composition, random: &random)
        let ramanResult = ramanCounts.withUnsafeBufferPointer {
          ramanPipeline.analyze(counts: $0, axis: ramanModel.axisCalibration, fullScale: 65535)
        }
        let xrfCounts = xrfModel.spectrum(for: elements, random: &random).counts
        let xrfResult = xrfCounts.withUnsafeBufferPointer {
          xrfAnalyzer.analyze(counts: $0, axis: xrfModel.axisCalibration, fullScale: 1 << 24)
        }
        let map = JSONValue.object([
          ("map_id", .string(mapID)), ("grid_index", .int(Int64(index))),
          ("column", .int(Int64(column))), ("row", .int(Int64(row))), ("repeat", .int(0)),
          (
            "stage_um",
            .array([.number(Double(column) * self.step), .number(Double(row) * self.step)])
          ),
        ])
        pointEvents.append([
          Self.event(
            raman, seq: index + 1, counts: ramanCounts, axis: ramanModel.axisCalibration,
            detection: ramanResult.jsonValue(settings: ramanPipeline.settings), map: map),
          Self.event(
            xrf, seq: index + 1, counts: xrfCounts, axis: xrfModel.axisCalibration,
            detection: xrfResult.jsonValue(settings: xrfPipeline), map: map),
        ])
        index += 1
      }
    }
  }

  /// The map's plan as the `map-plan` record's `plan` member holds it.
  var plan: JSONValue {
    .object([
      ("map_id", .string(mapID)),
      (
        "region",
        .object([
          ("type", .string("rectangle")), ("x_um", .number(0)), ("y_um", .number(0)),
          ("width_um", .number(Double(columns - 1) * step)),
          ("height_um", .number(Double(rows - 1) * step)),
        ])
      ),
      ("step_um", .number(step)), ("order", .string("snake")), ("settle_s", .number(0)),
      ("exposures", .object([("raman_s", .number(0.1)), ("xrf_s", .number(1))])),
      ("repeats", .int(1)), ("points", .int(Int64(columns * rows))),
    ])
  }

  /// The `map` event after `done` points.
  func mapEvent(state: String, done: Int) -> JSONValue {
    .object([
      ("map_id", .string(mapID)), ("state", .string(state)), ("points_done", .int(Int64(done))),
      ("points_total", .int(Int64(columns * rows))), ("plan", plan),
    ])
  }

  /// An acquisition event as `MonitorBridge` publishes it, with the point's `map` member.
  static func event(
    _ identity: InstrumentIdentity, seq: Int, counts: [UInt32], axis: AxisCalibration,
    detection: JSONValue, map: JSONValue
  ) -> JSONValue {
    let points = SpectrumDecimator.decimate(counts, axis: axis, maximumPoints: 256)
    return .object([
      (
        "instrument",
        .object([
          ("id", .string(identity.id)), ("kind", .string(identity.kind.rawValue)),
          ("model", .string(identity.model)), ("serial", .string(identity.serial)),
        ])
      ),
      ("run_id", .string("run-map")), ("sample_id", .string("S-map")), ("point_id", .null),
      ("device_seq", .int(Int64(seq))), ("time", .string("2026-12-07T20:00:00Z")),
      ("exposure_s", .number(0.1)), ("saturated_channels", .int(0)), ("analysis_ms", .number(3)),
      (
        "spectrum",
        .object([
          ("unit", .string(axis.axisUnit)), ("channels", .int(Int64(counts.count))),
          ("full_scale", .int(65535)), ("axis", .array(points.axis.map { .number($0) })),
          ("counts", .array(points.counts.map { .int(Int64($0)) })),
        ])
      ),
      ("detection", detection), ("simulation", .null), ("map", map),
    ])
  }
}
