import WhitlockCore

/// The members every spool record carries (`schema`, `type`, `run_id`, `seq`, `time`,
/// `instrument`).
public struct RecordHeader: Sendable, Equatable {
  public var schema: Int
  public var type: String
  public var runID: String
  public var seq: UInt64
  /// ISO 8601 UTC, as written.
  public var time: String
  public var instrument: InstrumentIdentity

  public init(
    schema: Int, type: String, runID: String, seq: UInt64, time: String,
    instrument: InstrumentIdentity
  ) {
    self.schema = schema
    self.type = type
    self.runID = runID
    self.seq = seq
    self.time = time
    self.instrument = instrument
  }

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    schema = Int(try reader.integer("schema"))
    type = try reader.string("type")
    runID = try reader.string("run_id")
    seq = try reader.unsigned("seq")
    time = try reader.string("time")
    let instrument = try reader.object("instrument")
    let kindName = try instrument.string("kind")
    guard let kind = InstrumentKind(rawValue: kindName) else {
      throw instrument.failure("kind", "\"\(kindName)\" is not raman or xrf")
    }
    let id = try instrument.string("id")
    guard !id.isEmpty else { throw instrument.failure("id", "empty") }
    self.instrument = InstrumentIdentity(
      id: id, kind: kind, model: try instrument.string("model"),
      serial: try instrument.string("serial"), family: try instrument.string("family"),
      firmware: try instrument.optionalString("firmware"))
  }
}

/// The `run` object of `run-start` and `run-end` records.
public struct RunInfo: Sendable, Equatable {
  public var started: String
  public var sampleID: String?
  public var operatorName: String?
  public var pointID: String?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    started = try reader.string("started")
    sampleID = try reader.optionalString("sample_id")
    operatorName = try reader.optionalString("operator")
    pointID = try reader.optionalString("point_id")
  }

  /// Whether an operator started the run for a sample.
  public var isOperatorRun: Bool { sampleID != nil }
}
