import Foundation
import Spool
import WhitlockCore

/// A fresh spool directory under the system temporary directory, removed on `deinit`.
final class TemporarySpool {
  let layout: SpoolLayout

  init() throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-test-\(UUID().uuidString)").path
    layout = SpoolLayout(root: root)
    try layout.create()
  }

  deinit { try? FileManager.default.removeItem(atPath: layout.root) }

  func names(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
      .sorted()
  }

  func lines(of path: String) throws -> [JSONValue] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
  }
}

enum SampleRecords {
  static let run = RunContext(
    runID: "0f8fad5b-d9cb-469f-a165-70867728950e", sampleID: "S-1", operatorName: "ops",
    startedAt: Date(timeIntervalSince1970: 1_800_000_000))

  static let raman = InstrumentIdentity(
    id: "raman-1", kind: .raman, model: "Test Raman", serial: "R1", family: "simulated")

  static func acquisition(_ index: UInt64, pixels: Int = 64) -> SpoolRecord {
    let counts = (0..<pixels).map { UInt32(($0 * 37 + Int(index)) % 5000) }
    let acquisition = Acquisition(
      instrument: raman, deviceSequence: index,
      startedAt: Date(timeIntervalSince1970: 1_800_000_001),
      endedAt: Date(timeIntervalSince1970: 1_800_000_002), counts: counts,
      axis: .wavelengthPolynomial(coefficients: [800, 0.1, -1e-6], excitationNanometres: 785),
      exposureSeconds: 1, fullScale: 65535, parameters: [("integration_time_s", .double(1))])
    return .acquisition(
      run: run, acquisition: acquisition,
      detection: .object([("method", .string("test")), ("whitlockite_fraction", .double(0.25))]))
  }

  static let runStart = SpoolRecord.runStart(
    run: run, instrument: raman, settings: .object([("exposure_s", .double(1))]),
    time: Date(timeIntervalSince1970: 1_800_000_000))

  static let runEnd = SpoolRecord.runEnd(
    run: run, instrument: raman, summary: RunSummary(reason: "shutdown"),
    time: Date(timeIntervalSince1970: 1_800_000_010))
}
