import Detection
import Foundation
import Mapping
import SampleModels
import Spool
import WhitlockCore

/// Writes a spool holding one map as whitlockd records one: `run-start` of a simulated Raman
/// spectrometer and XRF detector, the `map-plan` record (a snake rectangle of `columns` × `rows`
/// points, 50 µm apart), then at each point a Raman and an XRF acquisition whose `map` member
/// names the point, and `run-end`. The specimen is a calcification: a whitlockite-rich core, an
/// apatite rim, an oxalate inclusion and soft tissue around it, each analysed by the real
/// pipelines. The last `missing` points are left unmeasured, as in an aborted map.
///
/// The records are encoded by `RecordEncoder` (the `map` member added to each acquisition,
/// the `map-plan` record written beside them) into one segment in `new/`.
struct MapSpoolGenerator {
  var columns: Int
  var rows: Int
  var missing = 0
  var mapID = "map-1"
  var pixels = 2048

  /// The specimen's parts, by distance from the map's centre.
  enum Zone: CaseIterable {
    case core, rim, inclusion, tissue
  }

  /// Which part of the specimen is under grid cell (`column`, `row`).
  func zone(column: Int, row: Int) -> Zone {
    let cx = Double(columns - 1) / 2
    let cy = Double(rows - 1) / 2
    let radius = max(1, Double(min(columns, rows)) / 2)
    let dx = Double(column) - cx
    let dy = Double(row) - cy
    let distance = (dx * dx + dy * dy).squareRoot() / radius
    if abs(Double(column) - (cx + radius * 0.45)) < 0.75, abs(Double(row) - cy) < 0.75 {
      return .inclusion
    }
    if distance < 0.45 { return .core }
    if distance < 0.9 { return .rim }
    return .tissue
  }

  /// Writes the spool at `root`; returns the run id.
  func write(to root: String) throws -> String {
    let layout = SpoolLayout(root: root)
    try layout.create()
    let ramanModel = RamanSampleModel(pixelCount: pixels)
    let xrfModel = XRFSampleModel(channelCount: pixels)
    let ramanPipeline = RamanPipeline(settings: RamanPipelineSettings())
    let xrfPipeline = XRFPipeline(settings: XRFPipelineSettings())
    var random = RandomSource(seed: 28)
    var ramanSamples: [Zone: (counts: [UInt32], detection: JSONValue)] = [:]
    var xrfSamples: [Zone: (counts: [UInt32], detection: JSONValue)] = [:]
    for zone in Zone.allCases {
      let raman: RamanComposition
      let xrf: XRFComposition
      switch zone {
      case .core:
        raman = .phosphate(strength: 1.5, whitlockiteFraction: 0.6)
        xrf = XRFComposition(mgToCaMolar: 0.08)
      case .rim:
        raman = .phosphate(strength: 1.5, whitlockiteFraction: 0.05)
        xrf = XRFComposition(mgToCaMolar: 0.01)
      case .inclusion:
        raman = .oxalate(strength: 1.5)
        xrf = XRFComposition(mgToCaMolar: 0, phosphorusStrength: 0)
      case .tissue:
        raman = RamanComposition()
        xrf = XRFComposition(mgToCaMolar: 0, calciumStrength: 0.02, phosphorusStrength: 0.02)
      }
      let counts = ramanModel.counts(for: raman, random: &random)
      let ramanAnalysis = counts.withUnsafeBufferPointer {
        ramanPipeline.analyze(counts: $0, axis: ramanModel.axisCalibration, fullScale: 65535)
      }
      ramanSamples[zone] = (counts, ramanAnalysis.jsonValue(settings: ramanPipeline.settings))
      let spectrum = xrfModel.spectrum(for: xrf, random: &random)
      let xrfAnalysis = spectrum.counts.withUnsafeBufferPointer {
        xrfPipeline.analyze(counts: $0, axis: xrfModel.axisCalibration, fullScale: 1 << 24)
      }
      xrfSamples[zone] = (spectrum.counts, xrfAnalysis.jsonValue(settings: xrfPipeline.settings))
    }
    let step = 50.0
    let plan = try ScanPlan(
      id: mapID,
      region: .rectangle(
        origin: StagePosition(x: 1000, y: 2000), width: Double(columns - 1) * step,
        height: Double(rows - 1) * step),
      step: step, order: .snake, settleSeconds: 0.05,
      exposures: ScanExposures(ramanSeconds: 1, xrfSeconds: 10), repeats: 1)
    let raman = InstrumentIdentity(
      id: "raman-sim", kind: .raman, model: "simulated QE Pro", serial: "SIM-R1",
      family: "simulated", firmware: "sim 1.0")
    let xrf = InstrumentIdentity(
      id: "xrf-sim", kind: .xrf, model: "simulated X-123SDD", serial: "SIM-X1",
      family: "simulated", firmware: "6.9 Build 3")
    var clock = Date(timeIntervalSince1970: 1_780_000_000)
    let run = RunContext(
      runID: UUID().uuidString.lowercased(), sampleID: "S-map", operatorName: "bench operator",
      pointID: nil, startedAt: clock)
    var output: [UInt8] = []
    var writer = JSONWriter(reservingCapacity: 1 << 16)
    var seq: UInt64 = 1
    func append(_ record: SpoolRecord, map: JSONValue? = nil) {
      writer.reset()
      RecordEncoder.encode(record, seq: seq, into: &writer)
      seq += 1
      guard let map else {
        output.append(contentsOf: writer.bytes)
        return
      }
      // Into the object just written: its closing brace and newline become `,"map":{…}}\n`.
      output.append(contentsOf: writer.bytes.dropLast(2))
      writer.reset()
      writer.raw(",")
      writer.key("map")
      writer.value(map)
      writer.raw("}")
      writer.raw(0x0A)
      output.append(contentsOf: writer.bytes)
    }
    for identity in [raman, xrf] {
      append(
        .runStart(
          run: run, instrument: identity,
          settings: .object([("driver", .string("simulated")), ("id", .string(identity.id))]),
          time: clock))
    }
    writer.reset()
    writer.value(
      .object([
        ("schema", .int(RecordEncoder.schemaVersion)), ("type", .string("map-plan")),
        ("run_id", .string(run.runID)), ("seq", .int(Int64(seq))),
        ("time", .string(UTCTimestamp.string(from: clock))),
        (
          "instrument",
          .object([
            ("id", .string(raman.id)), ("kind", .string(raman.kind.rawValue)),
            ("model", .string(raman.model)), ("serial", .string(raman.serial)),
            ("family", .string(raman.family)),
            ("firmware", raman.firmware.map { JSONValue.string($0) } ?? .null),
          ])
        ),
        ("plan", plan.recordValue),
      ]))
    writer.raw(0x0A)
    output.append(contentsOf: writer.bytes)
    seq += 1
    var deviceSeq: [String: UInt64] = [:]
    let points = plan.grid.points
    for point in points.prefix(max(0, points.count - missing)) {
      let zone = zone(column: point.column, row: point.row)
      for identity in [raman, xrf] {
        let isXRF = identity.kind == .xrf
        let sample = isXRF ? xrfSamples[zone]! : ramanSamples[zone]!
        let exposure = isXRF ? 10.0 : 1.0
        let started = clock
        clock = clock.addingTimeInterval(exposure)
        deviceSeq[identity.id, default: 0] += 1
        let acquisition = Acquisition(
          instrument: identity, deviceSequence: deviceSeq[identity.id]!, startedAt: started,
          endedAt: clock, counts: sample.counts,
          axis: isXRF ? xrfModel.axisCalibration : ramanModel.axisCalibration,
          exposureSeconds: exposure, fullScale: isXRF ? 1 << 24 : 65535,
          parameters: [("point_id", .string("\(mapID)/\(point.index)"))])
        // The stage settles within a micrometre of the point.
        let measured = JSONValue.array([
          .double(point.position.x + 0.25), .double(point.position.y - 0.25),
        ])
        append(
          .acquisition(run: run, acquisition: acquisition, detection: sample.detection),
          map: .object([
            ("map_id", .string(mapID)), ("grid_index", .int(Int64(point.index))),
            ("column", .int(Int64(point.column))), ("row", .int(Int64(point.row))),
            ("repeat", .int(0)), ("stage_um", measured),
          ]))
      }
    }
    for identity in [raman, xrf] {
      let done = deviceSeq[identity.id] ?? 0
      append(
        .runEnd(
          run: run, instrument: identity,
          summary: RunSummary(
            reason: missing > 0 ? "map-aborted" : "map-complete",
            acquisitionsCompleted: done, acquisitionsSpooled: done),
          time: clock))
    }
    let name = SpoolLayout.segmentName(firstSeq: 1)
    let temporary = layout.tmp + "/" + name
    guard FileManager.default.createFile(atPath: temporary, contents: Data(output)) else {
      throw BenchmarkFailure("cannot write \(temporary)")
    }
    try FileManager.default.moveItem(atPath: temporary, toPath: layout.new + "/" + name)
    return run.runID
  }
}
