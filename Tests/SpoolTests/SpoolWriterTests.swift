import Foundation
import Spool
import Testing
import WhitlockCore

@Suite struct SpoolWriterTests {
  @Test func publishesSegmentsOnRecordLimitAndVerifiesClean() throws {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxRecords: 3),
      recovery: SpoolRecovery.run(spool.layout))
    var sequences: [UInt64] = []
    sequences.append(try writer.append(SampleRecords.runStart))
    for index in 1...6 {
      sequences.append(try writer.append(SampleRecords.acquisition(UInt64(index))))
    }
    sequences.append(try writer.append(SampleRecords.runEnd))
    try writer.publish()

    #expect(sequences == Array(1...8))
    #expect(try spool.names(in: spool.layout.tmp).isEmpty)
    #expect(
      try spool.names(in: spool.layout.new) == [
        "seg-0000000000000001.ndjson", "seg-0000000000000004.ndjson",
        "seg-0000000000000007.ndjson",
      ])
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.isClean, "\(report.problems)")
    #expect(report.recordsChecked == 8)
    #expect(report.recordsByType == ["run-start": 1, "acquisition": 6, "run-end": 1])
  }

  @Test func publishesOnAgeButNotBefore() throws {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxAgeSeconds: 5),
      recovery: SpoolRecovery.run(spool.layout))
    let start = ContinuousClock.now
    try writer.append(SampleRecords.acquisition(1), now: start)
    #expect(try !writer.publishIfDue(now: start + .seconds(4.9)))
    #expect(try spool.names(in: spool.layout.new).isEmpty)
    #expect(try writer.publishIfDue(now: start + .seconds(5)))
    #expect(try spool.names(in: spool.layout.new).count == 1)
    #expect(!writer.hasOpenSegment)
  }

  @Test func sequenceContinuesAfterRestartEvenWhenConsumersDeletedEverything() throws {
    let spool = try TemporarySpool()
    do {
      let writer = try SpoolWriter(
        layout: spool.layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(spool.layout))
      for index in 1...5 { try writer.append(SampleRecords.acquisition(UInt64(index))) }
      try writer.publish()
    }
    for name in try spool.names(in: spool.layout.new) {
      try FileManager.default.removeItem(atPath: spool.layout.new + "/" + name)
    }
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(spool.layout))
    let seq = try writer.append(SampleRecords.acquisition(6))
    #expect(seq > 5)
  }

  @Test func theValidatorsSchemaIsTheResourceFile() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Sources/Spool/Resources/record.schema.json").standardized
    let published = try [UInt8](Data(contentsOf: file))
    #expect(RecordSchema.bytes == published)
    #expect(Array(RecordSchema.json.utf8) == published)
    let schema = try JSONParser.parse(published)
    #expect(schema["$id"]?.stringValue == "https://whitlockd.invalid/schema/record/1")

    // A validator made from the file's own text judges a real record as the shared one does.
    let fromFile = try JSONSchemaValidator(schemaText: String(decoding: published, as: UTF8.self))
    var writer = JSONWriter()
    RecordEncoder.encode(SampleRecords.acquisition(1), seq: 7, into: &writer)
    let record = try JSONParser.parse(writer.bytes.dropLast())
    #expect(fromFile.validate(record).isEmpty)
    #expect(JSONSchemaValidator.records.validate(record).isEmpty)
    let broken = try JSONParser.parse(
      String(decoding: writer.bytes.dropLast(), as: UTF8.self)
        .replacingOccurrences(of: "\"seq\":7", with: "\"seq\":0"))
    #expect(fromFile.validate(broken) == JSONSchemaValidator.records.validate(broken))
    #expect(!JSONSchemaValidator.records.validate(broken).isEmpty)
  }

  @Test func recordsFollowTheSchema() throws {
    var writer = JSONWriter()
    for (index, record) in [
      SampleRecords.runStart, SampleRecords.acquisition(1), SampleRecords.runEnd,
    ]
    .enumerated() {
      writer.reset()
      RecordEncoder.encode(record, seq: UInt64(index + 1), into: &writer)
      #expect(writer.bytes.last == 0x0A)
      let value = try JSONParser.parse(writer.bytes.dropLast())
      #expect(JSONSchemaValidator.records.validate(value).isEmpty)
    }
  }

  @Test func validatorNamesWhatIsWrong() throws {
    var writer = JSONWriter()
    RecordEncoder.encode(SampleRecords.acquisition(1), seq: 9, into: &writer)
    var text = String(decoding: writer.bytes.dropLast(), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"kind\":\"raman\"", with: "\"kind\":\"infrared\"")
    text = text.replacingOccurrences(of: "\"seq\":9", with: "\"seq\":0")
    let violations = JSONSchemaValidator.records.validate(try JSONParser.parse(text))
    let rendered = violations.map(\.description).joined(separator: "\n")
    #expect(rendered.contains("/instrument/kind"))
    #expect(rendered.contains("/seq: must be ≥ 1"))
  }

  @Test func secondLockOnTheSameSpoolIsRefused() throws {
    let spool = try TemporarySpool()
    let first = try SpoolLock(layout: spool.layout)
    #expect(throws: SpoolError.self) { _ = try SpoolLock(layout: spool.layout) }
    withExtendedLifetime(first) {}
  }
}
