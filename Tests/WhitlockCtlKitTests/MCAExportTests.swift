import Foundation
import Records
import Spool
import Testing
import WhitlockCore
import WhitlockCtlKit

/// `.mca` export of XRF records, checked by parsing the files back.
@Suite struct MCAExportTests {
  /// A DP5 acquisition record exactly as the spool writes it.
  static func record(
    counts: [UInt32] = [0, 5, 17, 16_777_215, 3, 1, 0, 2], id: String = "xrf-dp5"
  ) throws -> AcquisitionRecord {
    let identity = InstrumentIdentity(
      id: id, kind: .xrf, model: "Amptek X-123", serial: "31337", family: "amptek-dp5",
      firmware: "6.07 build 3 (FPGA 6.05)")
    let acquisition = Acquisition(
      instrument: identity, deviceSequence: 4,
      startedAt: Date(timeIntervalSince1970: 1_764_072_000.5), endedAt: Date(),
      counts: counts, axis: .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0.015),
      exposureSeconds: 10, fullScale: 0xFF_FFFF,
      parameters: [
        ("preset_time_s", .double(10)), ("accumulation_time_s", .double(10)),
        ("real_time_s", .double(10.02)), ("fast_count", .int(52_894)),
        ("slow_count", .int(48_000)), ("gp_count", .int(4)),
        ("dead_time_fraction", .double(0.0925)), ("high_voltage_v", .double(-110)),
        ("detector_temperature_k", .double(220)), ("board_temperature_c", .int(34)),
        ("device_type", .string("dp5")), ("firmware", .string("6.07 build 3")),
        ("fpga", .string("6.05")), ("configuration", .string("MCAC=2048;PRET=10.0;GAIN=20;")),
      ])
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: "r", startedAt: Date()), acquisition: acquisition,
        detection: .object([("method", .string("xrf-test"))])),
      seq: 17, into: &writer)
    guard case .acquisition(let record) = try StoredRecord(JSONParser.parse(writer.bytes)) else {
      throw RecordDecodingError(
        location: RecordLocation(), seq: 17, member: "type", problem: "not an acquisition")
    }
    return record
  }

  @Test func exportParsesBackWithEverySection() throws {
    let counts: [UInt32] = [0, 5, 17, 16_777_215, 3, 1, 0, 2]
    let text = try MCAExport.render(try Self.record(counts: counts))
    #expect(text.hasPrefix("<<PMCA SPECTRUM>>\r\n"))
    let file = try MCAFile.parse(text)
    #expect(file.counts == counts.map(Int.init))
    #expect(file.header["TAG"] == "live_data")
    #expect(file.header["REAL_TIME"] == "10.02")
    #expect(file.header["PRESET_TIME"] == "10.0")
    #expect(file.header["SERIAL_NUMBER"] == "31337")
    #expect(file.header["START_TIME"] == "11/25/2025 12:00:00")
    #expect(file.calibrationLabel == "keV")
    #expect(file.calibration.map(\.channel) == [0, 7])
    #expect(file.calibration.map(\.energy) == [0.015, 0.085])
    #expect(file.configuration == ["MCAC=2048;", "PRET=10.0;", "GAIN=20;"])
    #expect(file.status["Device Type"] == "DP5")
    #expect(file.status["Firmware"] == "6.07  Build:  3")
    #expect(file.status["FPGA"] == "6.05")
    #expect(file.status["Fast Count"] == "52894")
    #expect(file.status["GP Count"] == "4")
    #expect(file.status["HV Volt"] == "-110.0V")
    #expect(file.status["TEC Temp"] == "220.0K")
    #expect(file.status["Board Temp"] == "34°C")
    #expect(file.status["Dead Time"] == "9.25%")
  }

  @Test func onlyXRFAcquisitionsExport() throws {
    var raman = try Self.record()
    raman.header.instrument.kind = .raman
    #expect(throws: MCAExport.Failure.self) { try MCAExport.render(raman) }
    #expect(throws: MCAExport.Failure.self) { try MCAFile.parse("<<PMCA SPECTRUM>>\nTAG - x\n") }
    #expect(throws: MCAExport.Failure.self) { try MCAFile.parse("<<DATA>>\nmany\n<<END>>\n") }
  }

  @Test func selectorsNameSpoolAndSequences() {
    #expect(RecordSelector("/var/spool/w") == RecordSelector("/var/spool/w"))
    #expect(RecordSelector("/var/spool/w")?.sequences == nil)
    #expect(RecordSelector("/var/spool/w:12")?.sequences == 12...12)
    #expect(RecordSelector("spool:3-9")?.spool == "spool")
    #expect(RecordSelector("spool:3-9")?.contains(9) == true)
    #expect(RecordSelector("spool:3-9")?.contains(10) == false)
    #expect(RecordSelector("spool:9-3") == nil)
    #expect(RecordSelector("C:dir")?.spool == "C:dir")
  }
}

/// Export file names come only from validated parts of a record.
@Suite struct MCAExportFileNameTests {
  private static func record(id: String) throws -> AcquisitionRecord {
    try MCAExportTests.record(id: id)
  }

  @Test func validIdAndSequenceMakeTheName() throws {
    #expect(try MCAExport.fileName(for: try Self.record(id: "xrf-dp5")) == "xrf-dp5-seq17.mca")
  }

  @Test(arguments: ["../../escape", "..", ".hidden", "a/b", "x\u{1b}[2J", "sub\\dir"])
  func craftedIdsAreRefusedWithTheRule(id: String) throws {
    let failure = try #require(throws: MCAExport.Failure.self) {
      try MCAExport.fileName(for: try Self.record(id: id))
    }
    #expect(failure.description.contains("instrument.id"))
    #expect(failure.description.contains(InstrumentIDRule.explanation))
  }

  @Test func anEmptyIdDoesNotEvenDecode() {
    #expect(throws: RecordDecodingError.self) { try Self.record(id: "") }
  }
}
