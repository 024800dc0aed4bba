import Detection
import Foundation
import Records
import Simulation
import Spool
import Testing
import WhitlockCore

/// The `dark` record: what `RecordEncoder` writes, the schema accepts and `DarkRecord` reads, and
/// how an acquisition names the dark it met.
@Suite struct DarkRecordTests {
  private let run = RunContext(
    runID: "0f0e0d0c-0b0a-4908-8706-050403020100", sampleID: "S1", operatorName: nil,
    pointID: nil, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
  private let instrument = InstrumentIdentity(
    id: "wp", kind: .raman, model: "Wasatch WP-785X-ILP", serial: "WP-1", family: "wasatch")

  private func encoded(_ record: SpoolRecord) throws -> JSONValue {
    var writer = JSONWriter(reservingCapacity: 1 << 14)
    RecordEncoder.encode(record, seq: 9, into: &writer)
    return try JSONParser.parse(writer.bytes.dropLast())
  }

  @Test func aDarkReadsBackAsWrittenAndFitsTheSchema() throws {
    let dark = DarkFrame(
      id: "6b1e2d8c-4f3a-4e59-9a1d-2c3b4a5d6e7f", instrument: instrument,
      takenAt: Date(timeIntervalSince1970: 1_800_000_100),
      settings: FrameSettings(exposureSeconds: 0.75, scansToAverage: 4), gain: nil,
      detectorTemperatureC: -10.5, counts: [800.25, 801, 799.75], fullScale: 65535,
      method: "laser-off")
    let value = try encoded(.dark(run: run, dark: dark))
    let validator = try JSONSchemaValidator(schemaText: RecordSchema.json)
    #expect(validator.validate(value).isEmpty, "\(validator.validate(value))")
    guard case .dark(let record) = try StoredRecord(value) else {
      Issue.record("not read as a dark")
      return
    }
    #expect(record.header.type == "dark" && record.header.seq == 9)
    #expect(record.id == dark.id && record.method == "laser-off")
    #expect(record.exposureSeconds == 0.75 && record.scansToAverage == 4)
    #expect(record.gain == nil && record.detectorTemperatureC == -10.5)
    #expect(record.counts == [800.25, 801, 799.75])
    #expect(record.run.sampleID == "S1")
  }

  @Test func anAcquisitionNamesItsDark() async throws {
    let simulated = SimulatedRamanInstrument(
      configuredID: "wp",
      settings: SimulatedRamanSettings(
        seed: 7, serial: "R-7", exposureSeconds: 1, pixelCount: 1024, acquisitionsPerPoint: 1,
        pacing: 0))
    _ = try await simulated.open()
    var acquisition = try await simulated.acquire()
    let pipeline = RamanPipeline()
    let detection = pipeline.analyze(acquisition).jsonValue(settings: pipeline.settings)
    acquisition.parameters += [
      (
        "dark",
        .object([
          ("id", .string("6b1e2d8c-4f3a-4e59-9a1d-2c3b4a5d6e7f")), ("subtracted", .bool(false)),
          ("flags", .array([.string("exposure-mismatch"), .string("stale")])),
          ("age_s", .double(4000)),
        ])
      )
    ]
    let value = try encoded(
      .acquisition(run: run, acquisition: acquisition, detection: detection))
    guard case .acquisition(let record) = try StoredRecord(value) else {
      Issue.record("not read as an acquisition")
      return
    }
    #expect(
      record.darkUse
        == DarkUse(
          id: "6b1e2d8c-4f3a-4e59-9a1d-2c3b4a5d6e7f", subtracted: false,
          flags: ["exposure-mismatch", "stale"], ageSeconds: 4000))
  }
}
