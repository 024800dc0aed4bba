import Calibration
import Foundation
import Logging
import Monitor
import Records
import Spool
import Synchronization
import Testing
import WhitlockCore

@testable import WhitlockDaemon

/// An online calibration and a dark survive a restart: sessions over the emulated Wasatch are
/// stopped and started again over the same state directory, and the first spectrum after the
/// restart names the same calibration and dark, analysed on the calibrated axis. A changed
/// configuration axis wins; a state file that is corrupt, foreign or of another device is
/// ignored with a log line naming the file and the reason.
@Suite struct CalibrationRestoreTests {
  private static let configurationText = ConfiguredSession.miscalibratedWasatch(
    acquisition: "scans_to_average = 2")

  /// A running session and what it logged.
  private struct Started {
    let bench: ConfiguredSession
    let log: CapturedLog
    let running: Task<Void, Never>

    var statePath: String {
      InstrumentStateFile.path(directory: bench.directory, instrumentID: "wp")
    }

    /// Stops the session and flushes its spool, as a daemon stopping.
    func stop() async {
      running.cancel()
      await running.value
      await bench.spool.pump.finish()
    }

    func analysed() -> [AnalysedSpectrum] {
      bench.recorder.all.compactMap { event in
        if case .analysed(let spectrum) = event { spectrum } else { nil }
      }
    }

    /// Waits for the first spectrum analysed after start.
    func firstSpectrum() async throws -> AnalysedSpectrum {
      #expect(await bench.recorder.wait { _ in !analysed().isEmpty })
      return try #require(analysed().first)
    }
  }

  private func start(
    directory: String? = nil, axisCalibration: WavenumberCalibration? = nil
  ) throws -> Started {
    let log = CapturedLog()
    let bench = try ConfiguredSession(
      Self.configurationText, source: "restore.toml", axisCalibration: axisCalibration,
      directory: directory, logger: log.handler
    ) { $0.axisCalibration = axisCalibration }
    let session = bench.session
    return Started(bench: bench, log: log, running: Task { await session.runSession() })
  }

  /// The state kept in the file at `path`, `nil` when there is none.
  private static func kept(_ path: String) throws -> InstrumentStateFile? {
    try InstrumentStateFile.load(path: path, instrumentID: "wp")?.get()
  }

  /// The records spooled in `directory` so far.
  private func records(_ directory: String) throws -> [JSONValue] {
    let new = directory + "/new"
    var values: [JSONValue] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: new).sorted() {
      for line in try String(contentsOfFile: new + "/" + name, encoding: .utf8).split(
        separator: "\n")
      {
        values.append(try JSONParser.parse(String(line)))
      }
    }
    return values
  }

  /// A scratch spool and state directory shared by the lives of one test.
  private static func scratchDirectory() -> String {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-session-\(UUID().uuidString)").path
  }

  /// What the first life left in force.
  private struct FirstLife {
    var dark: DarkFrame
    var calibrationID: String
    var calibration: WavenumberCalibration
  }

  /// An operator run, a dark at the chosen exposure, a calibration verified on polystyrene,
  /// then the session stops (and its spool lock goes with it).
  private func calibrateAndTakeDark(_ directory: String) async throws -> FirstLife {
    let first = try start(directory: directory)
    #expect(await first.bench.recorder.wait { $0.contains(where: \.isAcquired) })
    let run = first.bench.runs.start(sampleID: "CAL-1", operatorName: nil, pointID: nil).started
    #expect(
      await first.bench.recorder.wait { _ in
        first.analysed().filter { $0.run.runID == run.runID }.count >= 2
      })
    let dark = try await first.bench.session.requestDark(beamBlocked: false)
    var request = AxisCalibrationRequest()
    request.verify = .polystyrene
    let desk = CalibrationDesk()
    desk.register(first.bench.session, for: "wp")
    let document = try await desk.calibrate(instrumentID: "wp", request)
    let calibrationID = try #require(document["id"]?.stringValue)
    let calibration = try #require(first.bench.session.axisBook.withLock { $0.inForce })
    await first.stop()
    return FirstLife(dark: dark, calibrationID: calibrationID, calibration: calibration)
  }

  /// The second life: the first spectrum names both, on the calibrated axis, and the dark ages
  /// from the time it was taken.
  private func restartAndExpectRestored(_ directory: String, _ made: FirstLife) async throws {
    let second = try start(directory: directory)
    let spectrum = try await second.firstSpectrum()
    #expect(spectrum.detection["axis_calibration"]?["id"] == .string(made.calibrationID))
    #expect(spectrum.acquisition.parameter("dark")?["id"] == .string(made.dark.id))
    let age = try #require(spectrum.acquisition.parameter("dark")?["age_s"]?.doubleValue)
    #expect(abs(age - spectrum.acquisition.endedAt.timeIntervalSince(made.dark.takenAt)) < 1e-3)
    #expect(second.bench.session.axisCalibrationInForce?.id == made.calibrationID)
    #expect(second.bench.session.axisCalibrationInForce?.version == 1)
    let restoredAxis = try #require(second.bench.session.axisBook.withLock { $0.online })
    #expect(restoredAxis == made.calibration)
    #expect(second.log.contains("calibration restored", file: second.statePath))
    #expect(second.log.contains("dark restored", file: second.statePath))
    await second.stop()
  }

  /// The third life with a `[calibration.axis]` in the configuration: it wins, and says so;
  /// the dark is still restored.
  private func restartWithConfiguredAxis(
    _ directory: String, _ made: FirstLife, _ configured: WavenumberCalibration
  ) async throws {
    let third = try start(directory: directory, axisCalibration: configured)
    let onConfigured = try await third.firstSpectrum()
    #expect(onConfigured.detection["axis_calibration"]?["id"] == .string(configured.id))
    #expect(onConfigured.acquisition.parameter("dark")?["id"] == .string(made.dark.id))
    #expect(third.bench.session.axisCalibrationInForce?.id == configured.id)
    #expect(third.bench.session.axisCalibrationInForce?.version == 0)
    #expect(
      third.log.contains(
        "kept calibration not restored: the configuration changed", file: third.statePath))
    await third.stop()
  }

  /// The calibration records in `directory`, each checked against the schema.
  private func calibrationRecords(_ directory: String) throws -> [CalibrationRecord] {
    let validator = try JSONSchemaValidator(schemaText: RecordSchema.json)
    var found: [CalibrationRecord] = []
    for value in try records(directory) {
      #expect(validator.validate(value).isEmpty, "\(validator.validate(value))")
      if case .calibration(let record) = try StoredRecord(value) { found.append(record) }
    }
    return found
  }

  @Test func calibrationAndDarkSurviveARestartAndAChangedConfigurationWins() async throws {
    let directory = Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let statePath = InstrumentStateFile.path(directory: directory, instrumentID: "wp")
    let made = try await calibrateAndTakeDark(directory)

    let kept = try #require(try Self.kept(statePath))
    #expect(kept.calibration?.id == made.calibrationID)
    #expect(kept.calibration?.version == 1)
    #expect(kept.calibration?.configuredID == nil)
    #expect(kept.calibration?.verificationStandard == "polystyrene")
    #expect(kept.calibration?.wavenumberCalibration == made.calibration, "rebuilt exactly")
    #expect(kept.dark?.id == made.dark.id)
    #expect(kept.dark?.counts == made.dark.counts)
    #expect(!FileManager.default.fileExists(atPath: statePath + ".tmp"))

    try await restartAndExpectRestored(directory, made)
    let restored = try calibrationRecords(directory).filter { $0.state == "restored" }
    #expect(restored.count == 1)
    #expect(restored.first?.id == made.calibrationID)
    #expect(restored.first?.inForceID == made.calibrationID)
    #expect(restored.first?.restoredFrom == statePath)
    #expect(restored.first?.verificationStandard == "polystyrene")

    let configured = WavenumberCalibration(
      created: "2026-01-01T00:00:00Z", lamp: .neon, lampFile: "neon.txt",
      siliconFile: "si.txt", vendorExcitationNanometres: 785, correctionCentre: 11_500,
      correctionHalfRange: 1000, correction: [0.5], laserWavenumber: 1e7 / 785,
      siliconReference: 520.45, siliconVendorShift: 520, linesMatched: 8, lineFitRMS: 0.1)
    try await restartWithConfiguredAxis(directory, made, configured)
    let overridden = try calibrationRecords(directory).filter {
      $0.refusalReason == "configuration-changed"
    }
    #expect(overridden.map(\.id) == [made.calibrationID])
    #expect(overridden.first?.inForceID == configured.id)
    #expect(overridden.first?.restoredFrom == statePath)
    // Set aside for good: the file no longer holds it, the dark stays.
    let afterwards = try #require(try Self.kept(statePath))
    #expect(afterwards.calibration == nil)
    #expect(afterwards.dark?.id == made.dark.id)
  }

  /// A dark taken in a session that then stops.
  private func takeDarkAndStop(_ directory: String) async throws -> DarkFrame {
    let first = try start(directory: directory)
    #expect(await first.bench.recorder.wait { $0.contains(where: \.isAcquired) })
    let dark = try await first.bench.session.requestDark(beamBlocked: false)
    await first.stop()
    return dark
  }

  @Test func aStateFileOfAnotherSerialIsNotRestored() async throws {
    let directory = Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let statePath = InstrumentStateFile.path(directory: directory, instrumentID: "wp")
    let dark = try await takeDarkAndStop(directory)
    var kept = try #require(try Self.kept(statePath))
    #expect(kept.dark?.id == dark.id)
    let serial = kept.device.serial
    kept.device.serial = "OTHER-1"
    try kept.write(to: statePath)

    let second = try start(directory: directory)
    let spectrum = try await second.firstSpectrum()
    #expect(spectrum.acquisition.parameter("dark") == .null)
    #expect(
      second.log.contains(
        "instrument state file ignored", file: statePath,
        reason:
          "made on \(kept.device.model) serial OTHER-1, this is \(kept.device.model) serial \(serial)"
      ))
    await second.stop()
  }

  @Test func aDarkOfAnotherDeviceAxisIsNotRestored() async throws {
    let directory = Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let statePath = InstrumentStateFile.path(directory: directory, instrumentID: "wp")
    let dark = try await takeDarkAndStop(directory)
    var kept = try #require(try Self.kept(statePath))
    #expect(kept.dark?.id == dark.id)
    let coefficients = try #require(kept.device.wavelengthCoefficientsNm)
    kept.device.wavelengthCoefficientsNm = [coefficients[0] + 0.5] + coefficients.dropFirst()
    try kept.write(to: statePath)

    let second = try start(directory: directory)
    let spectrum = try await second.firstSpectrum()
    #expect(spectrum.acquisition.parameter("dark") == .null)
    #expect(
      second.log.contains(
        "instrument state file ignored", file: statePath,
        reason: "dark not restored: the device axis is not the one the dark was taken on"))
    await second.stop()
  }

  @Test func aCorruptStateFileIsIgnoredWithTheReasonAndReplacedByTheNextDark() async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-session-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = InstrumentStateFile.path(directory: directory, instrumentID: "wp")
    try Data(#"{"format": "whitlockd-instrument-state", "version": 1, "instr"#.utf8).write(
      to: URL(fileURLWithPath: path))

    let started = try start(directory: directory)
    defer { started.bench.remove() }
    let spectrum = try await started.firstSpectrum()
    #expect(spectrum.acquisition.parameter("dark") == .null)
    #expect((spectrum.detection["axis_calibration"] ?? .null) == .null)
    #expect(
      started.log.contains(
        "instrument state file ignored", file: path,
        reason: "not a JSON object (truncated or corrupt)"))
    let dark = try await started.bench.session.requestDark(beamBlocked: false)
    await started.stop()
    let replaced = try #require(try Self.kept(path))
    #expect(replaced.dark?.id == dark.id)
  }

  @Test func stateFilesThatDoNotApplyAreRefusedWithTheirReason() throws {
    let device = InstrumentStateFile.Device(
      model: "WP-785", serial: "S1", pixels: 3,
      axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785))
    var state = InstrumentStateFile(instrument: "wp", device: device)
    state.dark = InstrumentStateFile.Dark(
      DarkFrame(
        id: "7a3c1a52-0a5e-4c4e-9a53-0d9f6f0f1b11",
        instrument: InstrumentIdentity(
          id: "wp", kind: .raman, model: "WP-785", serial: "S1", family: "wasatch"),
        takenAt: Date(timeIntervalSince1970: 1_790_000_000.125),
        settings: FrameSettings(exposureSeconds: 0.25, scansToAverage: 4), gain: nil,
        detectorTemperatureC: -10.5, counts: [1.5, 2.25, 3], fullScale: 65535,
        method: "laser-off"))
    let good = String(decoding: try state.encoded(), as: UTF8.self)
    func reason(_ text: String, instrument: String = "wp") -> String? {
      switch InstrumentStateFile.decode(
        Data(text.utf8), path: "/s/f.json", instrumentID: instrument)
      {
      case .success: nil
      case .failure(let problem): problem.reason
      }
    }
    #expect(reason(good) == nil)
    let decoded = try InstrumentStateFile.decode(
      Data(good.utf8), path: "/s/f.json", instrumentID: "wp"
    ).get()
    #expect(decoded == state, "round trip")
    let identity = InstrumentIdentity(
      id: "wp", kind: .raman, model: "WP-785", serial: "S1", family: "wasatch")
    #expect(
      decoded.dark?.frame(of: identity).takenAt == Date(timeIntervalSince1970: 1_790_000_000.125))
    let cases: [(String, String)] = [
      (String(good.prefix(good.count / 2)), "not a JSON object (truncated or corrupt)"),
      ("", "not a JSON object (truncated or corrupt)"),
      ("[1, 2]", "not a JSON object (truncated or corrupt)"),
      (
        #"{"format": "other", "version": 1}"#,
        "not a whitlockd-instrument-state file (format other)"
      ),
      (#"{"version": 1}"#, "not a whitlockd-instrument-state file (format missing)"),
      (
        good.replacingOccurrences(of: #""version":1"#, with: #""version":2"#),
        "version 2, this whitlockd reads 1"
      ),
      (
        good.replacingOccurrences(of: #""pixels":3"#, with: #""pixels":4"#),
        "the dark has 3 pixels, the device 4"
      ),
    ]
    for (text, expected) in cases {
      #expect(reason(text) == expected, "\(text)")
    }
    #expect(reason(good, instrument: "other") == "belongs to instrument wp, not other")
    let wrongType = reason(good.replacingOccurrences(of: #""serial":"S1""#, with: #""serial":7"#))
    #expect(
      wrongType?.hasPrefix("bad member: .device.serial: ") == true,
      "\(String(describing: wrongType))")
    let missing = reason(good.replacingOccurrences(of: #""model":"WP-785","#, with: ""))
    #expect(missing == "bad member: .device.model missing")
  }
}

/// Every line a session logged, for tests that check what it said (`handler`).
final class CapturedLog: Sendable {
  struct Line: Sendable {
    var message: String
    var metadata: [String: String]
  }

  private let lines = Mutex<[Line]>([])

  /// A handler that adds each line here.
  var handler: Handler { Handler(log: self) }

  struct Handler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      var merged = metadata
      if let explicit = event.metadata { merged.merge(explicit) { $1 } }
      let line = Line(message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
      log.lines.withLock { $0.append(line) }
    }
  }

  var all: [Line] { lines.withLock { $0 } }

  /// Whether a line says `message` about `file` (and `reason`, when given).
  func contains(_ message: String, file: String, reason: String? = nil) -> Bool {
    all.contains { line in
      line.message == message && line.metadata["file"] == file
        && (reason == nil || line.metadata["reason"] == reason)
    }
  }
}
