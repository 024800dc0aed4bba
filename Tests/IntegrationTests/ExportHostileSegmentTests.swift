import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// `whitlockctl export` against a crafted segment dropped into `spool/new` (group-writable, so
/// any member of group whitlockd can do it): an instrument id with `../` never becomes a path.
@Suite(.processHeavy) struct ExportHostileSegmentTests {
  private static func segmentLine(id: String, seq: UInt64) -> String {
    let identity = InstrumentIdentity(
      id: id, kind: .xrf, model: "Amptek X-123", serial: "1", family: "amptek-dp5", firmware: "6")
    let acquisition = Acquisition(
      instrument: identity, deviceSequence: seq, startedAt: Date(), endedAt: Date(),
      counts: [0, 1, 2, 3], axis: .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0),
      exposureSeconds: 1, fullScale: 0xFF_FFFF)
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: "r", startedAt: Date()), acquisition: acquisition,
        detection: .object([("method", .string("xrf-test"))])),
      seq: seq, into: &writer)
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  @Test func craftedInstrumentIdWritesNothingOutsideTheOutputFolder() async throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockctl-export-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let spool = root + "/spool"
    let output = root + "/deep/out"
    for directory in ["/new", "/cur", "/tmp", "/quarantine"] {
      try FileManager.default.createDirectory(
        atPath: spool + directory, withIntermediateDirectories: true)
    }
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    let segment =
      Self.segmentLine(id: "xrf-good", seq: 1) + Self.segmentLine(id: "../../escape", seq: 2)
      + Self.segmentLine(id: "../../../../tmp/whitlockctl-escape-\(UUID().uuidString)", seq: 3)
    try segment.write(
      toFile: spool + "/new/seg-0000000000000001.ndjson", atomically: true, encoding: .utf8)

    let result = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      ["export", "--format", "mca", "--output", output, spool])
    #expect(result.status == 1, "a refused record is an error: \(result.standardError)")
    #expect(result.standardError.contains("seq 2: instrument.id \"../../escape\""))
    #expect(result.standardError.contains(InstrumentIDRule.explanation))
    #expect(try FileManager.default.contentsOfDirectory(atPath: output) == ["xrf-good-seq1.mca"])
    let everything = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
    let written = everything.filter { $0.hasSuffix(".mca") }
    #expect(written == ["deep/out/xrf-good-seq1.mca"], "\(everything)")
  }
}
