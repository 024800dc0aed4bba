import Foundation
import InstrumentFamilies
import Logging
import Spool
import Testing
import WhitlockConfiguration
import WhitlockCore
import WhitlockDaemon

/// The acquisition chain through an instrument session, over the emulated Wasatch spectrometer
/// built from a configuration as the daemon builds it: a dark, auto-exposure and sample spectra
/// in an operator run, each spectrum naming its dark and its axis calibration, and the laser off
/// for every dark frame.
@Suite struct AcquisitionChainSessionTests {
  private static let configurationText = """
    [[instrument]]
    id = "wp"
    kind = "raman"
    driver = "wasatch"
    exposure_s = 0.1
    [instrument.simulation]
    pacing = 0.2
    [instrument.device]
    emulate = true
    laser_enabled = true
    [instrument.acquisition]
    auto_exposure = true
    scans_to_average = 2
    """

  /// The spectra the session delivered, in order, with their runs.
  private func acquisitions(_ recorder: EventRecorder) -> [(Acquisition, RunContext)] {
    recorder.all.compactMap { event in
      if case .acquired(let acquisition, let run) = event { (acquisition, run) } else { nil }
    }
  }

  private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

  @Test func darkAutoExposureAndSampleThroughTheSessionEachSpectrumNamingItsDark() async throws {
    let bench = try ConfiguredSession(
      Self.configurationText, source: "chain-test.toml",
      axisCalibration: CalibratedAnalysisTests.calibration)
    defer { bench.remove() }
    let (session, recorder, spool, runs, directory) = (
      bench.session, bench.recorder, bench.spool, bench.runs, bench.directory
    )
    let running = Task { await session.runSession() }

    // An automatic run: the laser stays off and auto-exposure waits for an operator run.
    #expect(await recorder.wait { $0.contains(where: \.isAcquired) })
    let firstDark = try await session.requestDark(beamBlocked: false)
    #expect(firstDark.method == "laser-off")
    #expect(firstDark.settings.exposureSeconds == 0.1)
    #expect(mean(firstDark.counts) < 1000, "offset and dark charge only")

    // The operator starts a run: auto-exposure finds an exposure with the laser on, and the
    // dark taken at 0.1 s no longer fits: named and flagged on every spectrum, not subtracted.
    let sample = runs.start(sampleID: "S1", operatorName: nil, pointID: nil).started
    #expect(
      await recorder.wait { _ in
        acquisitions(recorder).filter { $0.1.runID == sample.runID }.count >= 2
      })
    let lit = acquisitions(recorder).filter { $0.1.runID == sample.runID }
    let chosen = lit[0].0.exposureSeconds
    #expect(lit[0].0.parameter("auto_exposure")?["outcome"] != nil)
    #expect(chosen != 0.1)
    for (spectrum, _) in lit {
      #expect(spectrum.parameter("laser_enabled") == .bool(true))
      #expect(spectrum.saturatedChannelCount == 0)
      #expect(spectrum.parameter("dark")?["id"] == .string(firstDark.id))
      #expect(spectrum.parameter("dark")?["subtracted"] == .bool(false))
      #expect(
        spectrum.parameter("dark")?["flags"]?.arrayContains("exposure-mismatch") == true)
    }

    // A dark at the chosen exposure, in the operator run: the laser goes off for it.
    let secondDark = try await session.requestDark(beamBlocked: false)
    #expect(mean(secondDark.counts) < 1000, "the laser was off for the dark's frames")
    #expect(secondDark.settings.scansToAverage == 2)
    #expect(
      await recorder.wait { _ in
        acquisitions(recorder).filter {
          $0.0.parameter("dark")?["id"] == .string(secondDark.id)
        }.count >= 2
      })
    for (spectrum, _) in acquisitions(recorder)
    where spectrum.parameter("dark")?["id"] == .string(secondDark.id) {
      #expect(spectrum.parameter("laser_enabled") == .bool(true), "lit again after the dark")
      #expect(spectrum.parameter("dark")?["subtracted"] == .bool(true))
      #expect(spectrum.parameter("dark")?["flags"] == .array([]))
      #expect(spectrum.saturatedChannelCount == 0)
    }

    running.cancel()
    await running.value
    await spool.pump.finish()

    // The spool holds both darks as records of their own, and every record fits the schema.
    let validator = try JSONSchemaValidator(schemaText: RecordSchema.json)
    var darkIDs: [String] = []
    var namedDarks: Set<String> = []
    let new = directory + "/new"
    for name in try FileManager.default.contentsOfDirectory(atPath: new).sorted() {
      for line in try String(contentsOfFile: new + "/" + name, encoding: .utf8).split(
        separator: "\n")
      {
        let record = try JSONParser.parse(String(line))
        #expect(validator.validate(record).isEmpty, "\(validator.validate(record))")
        if record["type"] == .string("dark"), let id = record["dark"]?["id"]?.stringValue {
          darkIDs.append(id)
          #expect(record["dark"]?["method"] == .string("laser-off"))
        }
        if record["type"] == .string("acquisition") {
          #expect(record["acquisition"]?["saturated_channels"] == .int(0))
          // Each spectrum names its axis calibration beside its dark.
          #expect(
            record["detection"]?["axis_calibration"]?["id"]
              == .string(CalibratedAnalysisTests.calibration.id))
          if let dark = record["acquisition"]?["parameters"]?["dark"]?["id"]?.stringValue {
            namedDarks.insert(dark)
          }
        }
      }
    }
    #expect(darkIDs == [firstDark.id, secondDark.id])
    #expect(namedDarks == Set(darkIDs), "the spooled spectra name both darks")
  }

  /// A session with a fixed-exposure chain over `detector`, counting its spectra.
  private static func chainSession(over detector: LinearDetector) throws -> (
    session: InstrumentSession, recorder: EventRecorder, spool: SpoolService, remove: () -> Void
  ) {
    let directory =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-chain-\(UUID().uuidString)").path
    var logger = Logger(label: "chain-test")
    logger.logLevel = .critical
    let spool = try SpoolService(
      layout: SpoolLayout(root: directory), limits: SegmentLimits(), backlog: 1000, logger: logger)
    let recorder = EventRecorder()
    var settings = InstrumentSession.Settings()
    settings.acquisitionChain = AcquisitionChainSettings(exposureSeconds: 0.5)
    let session = InstrumentSession(
      instrument: detector, analyzer: { CountingAnalyzer() }, pump: spool.pump,
      runs: RunController(), observers: [recorder], settings: settings, logger: logger)
    return (session, recorder, spool, { try? FileManager.default.removeItem(atPath: directory) })
  }

  @Test func saturatedSpectraAreDiscardedWithoutReopeningTheInstrument() async throws {
    let bench = try Self.chainSession(over: LinearDetector(peakRate: 200_000))
    defer { bench.remove() }
    let (session, recorder, spool) = (bench.session, bench.recorder, bench.spool)
    let running = Task { await session.runSession() }
    #expect(await recorder.wait { $0.filter(\.isAcquisitionFailure).count >= 3 })
    running.cancel()
    await running.value
    await spool.pump.finish()
    #expect(recorder.count(\.isOpened) == 1, "the device is fine: never reopened")
    #expect(recorder.count(\.isAcquired) == 0, "no saturated spectrum became data")
    for event in recorder.all {
      if case .acquisitionFailed(let error, _, _) = event {
        #expect(error is SaturatedSpectrumError)
      }
    }
  }

  @Test func anInstrumentLitFromOutsideTakesADarkOnlyOnceTheBeamIsBlocked() async throws {
    let bench = try Self.chainSession(over: LinearDetector(peakRate: 40_000))
    defer { bench.remove() }
    let (session, spool) = (bench.session, bench.spool)
    let running = Task { await session.runSession() }
    do {
      _ = try await session.requestDark(beamBlocked: false)
      Issue.record("a dark was taken without the beam blocked")
    } catch let refusal as DarkRefusal {
      #expect(refusal.description.contains("--beam-blocked"))
    }
    let dark = try await session.requestDark(beamBlocked: true)
    #expect(dark.method == "operator-blocked")
    running.cancel()
    await running.value
    await spool.pump.finish()
  }
}

extension JSONValue {
  /// Whether this is an array holding the string `text`.
  func arrayContains(_ text: String) -> Bool {
    guard case .array(let items) = self else { return false }
    return items.contains(.string(text))
  }
}
