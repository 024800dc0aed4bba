import Foundation
import Logging
import Mapping
import Records
import SampleModels
import Simulation
import Spool
import Synchronization
import WhitlockCore
import WhitlockDaemon

/// The daemon's map path in process: a real spool, run control, the map service on the
/// simulated stage (fast moves) over the simulated specimen, and simulated Raman and XRF
/// sessions measuring it, wired as `Daemon` wires them.
final class MapBench: Sendable {
  let directory: String
  let spool: SpoolService
  let runs: RunController
  let stage: SimulatedStage
  let maps: MapService
  let sessions: [InstrumentSession]
  /// Every `map` live event published, in order.
  private let mapEvents: EventLog
  private let tasks = Mutex<[Task<Void, Never>]>([])

  private final class EventLog: Sendable {
    let items = Mutex<[JSONValue]>([])
  }

  /// A bench on the spool at `directory` (new when `nil`).
  init(directory: String? = nil, techniques: [InstrumentKind] = [.raman, .xrf]) throws {
    let directory =
      directory
      ?? FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-map-\(UUID().uuidString)").path
    self.directory = directory
    var logger = Logger(label: "map-test")
    logger.logLevel = .critical
    let relay = Relay()
    let spool = try SpoolService(
      layout: SpoolLayout(root: directory), limits: SegmentLimits(), backlog: 10_000,
      logger: logger, onWritten: { record, _ in relay.written(record) })
    self.spool = spool
    let runs = RunController()
    let stage = SimulatedStage(
      name: "test", motion: StageAxisMotion(speed: 200_000, acceleration: 20_000_000))
    self.runs = runs
    self.stage = stage
    let specimen = SpecimenUnderStage(specimen: SimulatedSpecimen(), stage: stage)
    var instruments: [any Instrument] = []
    if techniques.contains(.raman) {
      var settings = SimulatedRamanSettings(seed: 7, pixelCount: 256, pacing: 0.01)
      settings.specimen = specimen
      instruments.append(SimulatedRamanInstrument(configuredID: "r1", settings: settings))
    }
    if techniques.contains(.xrf) {
      var settings = SimulatedXRFSettings(seed: 9, channelCount: 512, pacing: 0.01)
      settings.specimen = specimen
      instruments.append(SimulatedXRFInstrument(configuredID: "x1", settings: settings))
    }
    let events = EventLog()
    mapEvents = events
    let maps = MapService(
      stage: stage, settings: MapService.Settings(), pump: spool.pump,
      layout: SpoolLayout(root: directory), runs: runs,
      instruments: instruments.map {
        InstrumentIdentity(
          id: $0.configuredID, kind: $0.kind, model: "sim", serial: "", family: "simulated")
      },
      publish: { value in events.items.withLock { $0.append(value) } }, logger: logger)
    self.maps = maps
    relay.target.withLock { $0 = maps }
    var settings = InstrumentSession.Settings()
    settings.mapSlots = maps.desk
    settings.reopenBackoffSeconds = 0.01...0.1
    sessions = instruments.map { instrument in
      InstrumentSession(
        instrument: instrument, analyzer: { CountingAnalyzer() }, pump: spool.pump, runs: runs,
        observers: [maps], settings: settings, logger: logger)
    }
  }

  /// Starts the sessions and the map service (which resumes what the spool left unfinished)
  /// and waits until the service has read the spool.
  func start() async {
    let started =
      sessions.map { session in Task { await session.runSession() } }
      + [Task { [maps] in _ = try? await maps.run() }]
    tasks.withLock { $0 = started }
    while !maps.hasReadSpool { try? await Task.sleep(for: .milliseconds(5)) }
  }

  /// Stops everything and publishes the spool's last segment.
  func stop() async {
    for task in tasks.withLock({ $0 }) {
      task.cancel()
      await task.value
    }
    await spool.pump.finish()
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }

  var events: [JSONValue] { mapEvents.items.withLock { $0 } }

  /// Waits (polling every 5 ms, up to 120 s) until a `map` event satisfies `condition`.
  func waitForMapEvent(_ condition: (JSONValue) -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(120)
    while ContinuousClock.now < deadline {
      if events.contains(where: condition) { return true }
      try? await Task.sleep(for: .milliseconds(5))
    }
    return events.contains(where: condition)
  }

  /// Waits (polling every 5 ms, up to 120 s) until the current map has `count` points done.
  func waitForPointsDone(atLeast count: Int) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(120)
    while ContinuousClock.now < deadline {
      if let done = (try? maps.current())?["points_done"], done.doubleValue ?? 0 >= Double(count) {
        return true
      }
      try? await Task.sleep(for: .milliseconds(5))
    }
    return false
  }

  /// Every record published in `new/` (after `stop()`), parsed, in spool order. (The
  /// sessions here analyse with `CountingAnalyzer`, whose detection the typed models refuse.)
  func records() throws -> [JSONValue] {
    let new = directory + "/new"
    var records: [JSONValue] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: new).sorted() {
      let text = try String(contentsOfFile: new + "/" + name, encoding: .utf8)
      for line in text.split(separator: "\n") {
        records.append(try JSONParser.parse(Array(line.utf8)))
      }
    }
    return records
  }

  private final class Relay: Sendable {
    let target = Mutex<MapService?>(nil)
    func written(_ record: SpoolRecord) { target.withLock { $0 }?.recordWritten(record) }
  }
}

/// The map acquisitions of `mapID` in `records`, as slots in spool order (duplicates kept).
func mapSlots(_ records: [JSONValue], mapID: String) -> [MapSlot] {
  records.compactMap { record in
    guard record["type"]?.stringValue == "acquisition", let map = record["map"],
      map["map_id"]?.stringValue == mapID, case .int(let index)? = map["grid_index"],
      case .int(let repeatIndex)? = map["repeat"],
      let kind = record["instrument"]?["kind"]?.stringValue.flatMap(InstrumentKind.init)
    else { return nil }
    return MapSlot(pointIndex: Int(index), technique: kind, repeatIndex: Int(repeatIndex))
  }
}

/// The `map-plan` and `map-end` records in `records`, decoded by the `Records` models.
func mapRecords(_ records: [JSONValue]) throws -> [StoredRecord] {
  try records.filter { ["map-plan", "map-end"].contains($0["type"]?.stringValue ?? "") }.map {
    try StoredRecord($0)
  }
}
