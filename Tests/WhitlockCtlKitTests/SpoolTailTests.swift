import Foundation
import Spool
import Testing
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl spool tail`'s one line per record, from records as the spool writes them.
@Suite struct SpoolTailTests {
  private static let identity = InstrumentIdentity(
    id: "raman-1", kind: .raman, model: "M", serial: "S", family: "simulated")

  private static func written(_ record: SpoolRecord, seq: UInt64) throws -> JSONValue {
    var writer = JSONWriter()
    RecordEncoder.encode(record, seq: seq, into: &writer)
    return try JSONParser.parse(writer.bytes)
  }

  @Test func acquisitionsAndRunEndsReadAsOneLine() throws {
    let run = RunContext(runID: "run-1", startedAt: Date(timeIntervalSince1970: 0))
    let acquisition = Acquisition(
      instrument: Self.identity, deviceSequence: 7, startedAt: Date(timeIntervalSince1970: 1),
      endedAt: Date(timeIntervalSince1970: 2), counts: [1, 2, 3],
      axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785),
      exposureSeconds: 1, fullScale: 65_535,
      simulationTruth: .object([
        ("point_id", .string("P000003")), ("whitlockite_fraction", .double(0.5)),
      ]))
    let detection = JSONValue.object([
      ("method", .string("raman-test")), ("whitlockite_fraction", .double(0.4567)),
      ("whitlockite_fraction_sigma", .double(0.05)),
    ])
    let line = SpoolTail.describe(
      try Self.written(
        .acquisition(run: run, acquisition: acquisition, detection: detection), seq: 12))
    #expect(
      line
        == "1970-01-01T00:00:02.000Z seq 12 raman-1 acquisition #7 point P000003 "
        + "whitlockite_fraction 0.457 ± 0.05 (truth 0.5)", "\(line)")

    var summary = RunSummary(reason: "stopped")
    summary.acquisitionsSpooled = 4
    summary.acquisitionsInterrupted = 1
    let end = SpoolTail.describe(
      try Self.written(
        .runEnd(
          run: run, instrument: Self.identity, summary: summary,
          time: Date(timeIntervalSince1970: 3)),
        seq: 13), published: false)
    #expect(
      end.hasSuffix("run-end reason stopped spooled 4 dropped 0 interrupted 1 [not yet published]"),
      "\(end)")
  }

  @Test func aRecordThatDoesNotDecodeSaysWhy() throws {
    let broken = try JSONParser.parse(
      #"{"schema":1,"type":"acquisition","run_id":"r","seq":5,"time":"t","#
        + #""instrument":{"id":"x","kind":"xrf","model":"m","serial":"s","family":"f"}}"#)
    #expect(SpoolTail.describe(broken) == "t seq 5 unreadable record: acquisition: missing")
  }
}
