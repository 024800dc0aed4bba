import Detection
import Foundation
import Records
import Simulation
import Spool
import Testing
import WhitlockCore

/// The typed models read exactly what the allocation-free `RecordEncoder` writes, with the real
/// detectors' results, and name the member at fault when a record is wrong.
@Suite struct StoredRecordTests {
  private static let run = RunContext(
    runID: "4c1e9d1e-0000-4000-8000-000000000001", sampleID: "B-17", operatorName: "jdoe",
    pointID: "p3", startedAt: Date(timeIntervalSince1970: 1_800_000_000))

  private static func encoded(_ record: SpoolRecord, seq: UInt64) throws -> JSONValue {
    var writer = JSONWriter(reservingCapacity: 1 << 16)
    RecordEncoder.encode(record, seq: seq, into: &writer)
    return try JSONParser.parse(writer.bytes.dropLast())
  }

  /// `value` as it reads back after writing (integral doubles become integers, NaN null).
  private static func normalized(_ value: JSONValue?) -> JSONValue? {
    guard let value else { return nil }
    var writer = JSONWriter(reservingCapacity: 1 << 16)
    writer.value(value)
    return try? JSONParser.parse(writer.bytes)
  }

  private static func ramanAcquisition() async throws -> (Acquisition, JSONValue) {
    let instrument = SimulatedRamanInstrument(
      configuredID: "raman-sim",
      settings: SimulatedRamanSettings(
        seed: 7, serial: "R-7", exposureSeconds: 1, pixelCount: 1024, acquisitionsPerPoint: 1,
        pacing: 0))
    _ = try await instrument.open()
    let acquisition = try await instrument.acquire()
    let pipeline = RamanPipeline()
    return (acquisition, pipeline.analyze(acquisition).jsonValue(settings: pipeline.settings))
  }

  @Test func aRamanAcquisitionReadsBackAsWritten() async throws {
    let (acquisition, detection) = try await Self.ramanAcquisition()
    let value = try Self.encoded(
      .acquisition(run: Self.run, acquisition: acquisition, detection: detection), seq: 42)
    guard case .acquisition(let record) = try StoredRecord(value) else {
      Issue.record("not an acquisition")
      return
    }
    #expect(record.header.seq == 42 && record.header.type == "acquisition")
    #expect(record.header.runID == Self.run.runID)
    #expect(record.header.instrument == acquisition.instrument)
    #expect(record.counts == acquisition.counts)
    #expect(record.axis == acquisition.axis)
    #expect(record.exposure.exposureSeconds == acquisition.exposureSeconds)
    #expect(record.exposure.fullScale == acquisition.fullScale)
    #expect(record.exposure.deviceSeq == Int64(acquisition.deviceSequence))
    #expect(record.simulation == Self.normalized(acquisition.simulationTruth))
    let raman = try #require(record.detection.raman)
    #expect(raman.method == detection["method"]?.stringValue)
    #expect(raman.phase == detection["phase"]?.stringValue)
    #expect(raman.whitlockiteFraction.value == detection["whitlockite_fraction"]?.doubleValue)
    #expect(
      raman.whitlockiteFraction.sigma == detection["whitlockite_fraction_sigma"]?.doubleValue)
    #expect(record.detection.json == Self.normalized(detection))
  }

  @Test func anXRFAcquisitionAndTheRunRecordsReadBack() async throws {
    let instrument = SimulatedXRFInstrument(
      configuredID: "xrf-sim",
      settings: SimulatedXRFSettings(
        seed: 3, serial: "X-3", exposureSeconds: 1, channelCount: 2048, pacing: 0))
    let identity = try await instrument.open()
    let acquisition = try await instrument.acquire()
    let pipeline = XRFPipeline()
    let detection = pipeline.analyze(acquisition).jsonValue(settings: pipeline.settings)
    let value = try Self.encoded(
      .acquisition(run: Self.run, acquisition: acquisition, detection: detection), seq: 5)
    let xrf = try #require(try StoredRecord(value).acquisitionRecord?.detection.xrf)
    #expect(xrf.mgCaRatio.value == detection["mg_ca_ratio"]?.doubleValue)

    let start = try StoredRecord(
      Self.encoded(
        .runStart(
          run: Self.run, instrument: identity, settings: .object([("exposure_s", .int(1))]),
          time: Date()), seq: 1))
    guard case .runStart(let runStart) = start else {
      Issue.record("not a run-start")
      return
    }
    #expect(runStart.run.sampleID == "B-17" && runStart.run.pointID == "p3")
    #expect(runStart.run.isOperatorRun)
    var summary = RunSummary(reason: "stopped")
    summary.acquisitionsCompleted = 3
    summary.acquisitionsSpooled = 2
    summary.acquisitionsDropped = 1
    let end = try StoredRecord(
      Self.encoded(
        .runEnd(run: Self.run, instrument: identity, summary: summary, time: Date()), seq: 9))
    guard case .runEnd(let runEnd) = end else {
      Issue.record("not a run-end")
      return
    }
    #expect(runEnd.summary.reason == "stopped")
    #expect(runEnd.summary.acquisitionsCompleted == 3 && runEnd.summary.acquisitionsSpooled == 2)
    #expect(runEnd.summary.acquisitionsDropped == 1)
  }

  /// A wrong record names its file, line, seq and the member at fault.
  @Test(arguments: [
    (
      #""full_scale":65535"#, #""full_scale":"65535""#,
      "acquisition.full_scale: expected an integer"
    ),
    (#""run_id":"#, #""run":"#, "run_id: missing"),
    (#""kind":"raman""#, #""kind":"uv""#, #"instrument.kind: "uv" is not raman or xrf"#),
    (#""type":"wavelength-polynomial""#, #""type":"pixels""#, "axis.type"),
  ])
  func aWrongMemberIsNamed(original: String, replacement: String, expected: String) async throws {
    let (acquisition, detection) = try await Self.ramanAcquisition()
    var writer = JSONWriter(reservingCapacity: 1 << 16)
    RecordEncoder.encode(
      .acquisition(run: Self.run, acquisition: acquisition, detection: detection), seq: 77,
      into: &writer)
    let text = String(decoding: writer.bytes.dropLast(), as: UTF8.self)
    #expect(text.contains(original))
    let broken = text.replacingOccurrences(of: original, with: replacement)
    let location = RecordLocation(file: "new/seg-0000000000000077.ndjson", line: 3)
    #expect {
      _ = try StoredRecord(line: Array(broken.utf8), at: location)
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix("new/seg-0000000000000077.ndjson:3 (seq 77): ")
        && text.contains(expected)
    }
  }

  /// Reanalysis reads records cut down to their spectrum, and names what is missing.
  @Test func aCutDownRecordStillGivesItsSpectrum() throws {
    let location = RecordLocation(file: "cut.ndjson", line: 2)
    let full = try JSONParser.parse(
      #"{"type":"acquisition","seq":4,"instrument":{"kind":"xrf"},"#
        + #""acquisition":{"full_scale":4095},"#
        + #""axis":{"type":"linear-energy","kev_per_channel":0.01,"offset_kev":0},"#
        + #""counts":[1,2,3]}"#)
    let spectrum = try #require(try RecordedSpectrum(full, at: location))
    #expect(spectrum.seq == 4 && spectrum.kind == .xrf && spectrum.counts == [1, 2, 3])
    #expect(spectrum.axis == .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0))
    #expect(try RecordedSpectrum(JSONParser.parse(#"{"type":"run-start"}"#), at: location) == nil)
    let noAxis = try JSONParser.parse(
      #"{"type":"acquisition","seq":5,"instrument":{"kind":"raman"},"#
        + #""acquisition":{"full_scale":65535},"counts":[1]}"#)
    #expect {
      _ = try RecordedSpectrum(noAxis, at: location)
    } throws: { error in
      "\(error)" == "cut.ndjson:2 (seq 5): axis: missing"
    }
  }

  @Test func aRecordTypeFromANewerDaemonIsKeptWithItsHeader() throws {
    let value = try JSONParser.parse(
      #"{"schema":1,"type":"intensity-calibration","run_id":"r","seq":3,"time":"2026-12-07T00:00:00Z","#
        + #""instrument":{"id":"w","kind":"raman","model":"m","serial":"s","family":"wasatch","#
        + #""firmware":null},"calibration":{}}"#)
    guard case .other(let header, _) = try StoredRecord(value) else {
      Issue.record("an unknown type was not kept")
      return
    }
    #expect(header.type == "intensity-calibration" && header.seq == 3)
  }
}

extension StoredRecord {
  fileprivate var acquisitionRecord: AcquisitionRecord? {
    if case .acquisition(let record) = self { return record }
    return nil
  }
}
