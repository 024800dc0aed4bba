import Foundation
import Records
import Spool
import Testing
import WhitlockCore

/// The published JSON Schema and the typed models require the same members: a record missing a
/// member the schema requires is refused by the validator and by the model, naming it. (The run's
/// `sample_id` and `operator` must be present in the schema but may be null; the models read a
/// missing one as null, so they are left out here.)
@Suite struct SchemaAndModelsAgreeTests {
  private static let schema: JSONValue = {
    (try? JSONParser.parse(RecordSchema.bytes)) ?? .null
  }()

  private static func required(_ path: [String]) -> [String] {
    var node: JSONValue? = schema
    for key in path { node = node?[key] }
    guard case .array(let names)? = node?["required"] else { return [] }
    return names.compactMap(\.stringValue)
  }

  /// A real acquisition record as the spool writes it.
  private static func record() throws -> JSONValue {
    let identity = InstrumentIdentity(
      id: "x1", kind: .xrf, model: "M", serial: "S", family: "simulated", firmware: "1")
    let acquisition = Acquisition(
      instrument: identity, deviceSequence: 3, startedAt: Date(), endedAt: Date(),
      counts: [1, 2, 3], axis: .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0),
      exposureSeconds: 1, fullScale: 4095, parameters: [("gain", .double(20))])
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date()),
        acquisition: acquisition,
        detection: .object([("method", .string("xrf-test"))])),
      seq: 9, into: &writer)
    return try JSONParser.parse(writer.bytes)
  }

  private static func removing(_ path: [String], from value: JSONValue) -> JSONValue {
    guard case .object(let members) = value, let first = path.first else { return value }
    if path.count == 1 { return .object(members.filter { $0.0 != first }) }
    return .object(
      members.map { $0.0 == first ? ($0.0, removing(Array(path.dropFirst()), from: $0.1)) : $0 })
  }

  static var memberPaths: [[String]] {
    required(["$defs", "common"]).map { [$0] }
      + required(["$defs", "acquisition"]).map { [$0] }
      + required(["$defs", "instrument"]).map { ["instrument", $0] }
      + required(["$defs", "acquisition", "properties", "acquisition"]).map { ["acquisition", $0] }
      + required(["$defs", "acquisition", "properties", "detection"]).map { ["detection", $0] }
  }

  @Test func theSchemaRequiresMembers() {
    #expect(Self.memberPaths.count >= 20, "\(Self.memberPaths)")
  }

  @Test(arguments: memberPaths)
  func aMemberTheSchemaRequiresIsRequiredByTheModel(path: [String]) throws {
    let complete = try Self.record()
    #expect(JSONSchemaValidator.records.validate(complete).isEmpty)
    #expect(throws: Never.self) { try StoredRecord(complete) }
    let broken = Self.removing(path, from: complete)
    #expect(!JSONSchemaValidator.records.validate(broken).isEmpty, "the schema requires it")
    #expect {
      _ = try StoredRecord(broken)
    } throws: { error in
      guard let error = error as? RecordDecodingError else { return false }
      return error.member == path.joined(separator: ".") && error.problem == "missing"
    }
  }
}
