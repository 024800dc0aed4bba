import WhitlockCore

/// A spool record as read back, typed: the product's contract with downstream programs.
///
/// The daemon writes records with the allocation-free `RecordEncoder`; readers (whitlockctl's
/// tail and exports, the shipper's checks, tests) decode them once into these models, and every
/// mistake names the file, line and member. Record types this version does not know are kept
/// with their header and JSON, so that a newer daemon's spool can still be listed.
public enum StoredRecord: Sendable, Equatable {
  case runStart(RunStartRecord)
  case acquisition(AcquisitionRecord)
  case runEnd(RunEndRecord)
  /// The plan of a map (`map-plan`).
  case mapPlan(MapPlanRecord)
  /// A dark spectrum (`dark`).
  case dark(DarkRecord)
  /// A wavenumber-axis calibration acquired on request (`calibration`).
  case calibration(CalibrationRecord)
  /// The end of a map (`map-end`): complete or aborted, never to be resumed.
  case mapEnd(MapEndRecord)
  /// A record type this reader does not model (from a newer daemon).
  case other(RecordHeader, JSONValue)

  /// The members every record carries.
  public var header: RecordHeader {
    switch self {
    case .runStart(let record): return record.header
    case .acquisition(let record): return record.header
    case .runEnd(let record): return record.header
    case .mapPlan(let record): return record.header
    case .dark(let record): return record.header
    case .calibration(let record): return record.header
    case .mapEnd(let record): return record.header
    case .other(let header, _): return header
    }
  }

  /// Decodes one parsed record.
  public init(_ value: JSONValue, at location: RecordLocation = RecordLocation())
    throws(RecordDecodingError)
  {
    guard case .object = value else {
      throw RecordDecodingError(
        location: location, seq: nil, member: "", problem: "not a JSON object")
    }
    let seq: UInt64? =
      if case .int(let number)? = value["seq"], number >= 0 { UInt64(number) } else { nil }
    let reader = MemberReader(value: value, path: "", location: location, seq: seq)
    let header = try RecordHeader(reader)
    switch header.type {
    case "run-start": self = .runStart(try RunStartRecord(reader, header: header))
    case "acquisition": self = .acquisition(try AcquisitionRecord(reader, header: header))
    case "run-end": self = .runEnd(try RunEndRecord(reader, header: header))
    case "map-plan": self = .mapPlan(try MapPlanRecord(reader, header: header))
    case "dark": self = .dark(try DarkRecord(reader, header: header))
    case "calibration": self = .calibration(try CalibrationRecord(reader, header: header))
    case "map-end": self = .mapEnd(try MapEndRecord(reader, header: header))
    default: self = .other(header, value)
    }
  }

  /// Parses and decodes one line of a segment.
  public init<Bytes: Collection<UInt8>>(line: Bytes, at location: RecordLocation)
    throws(RecordDecodingError)
  {
    let value: JSONValue
    do { value = try JSONParser.parse(line) } catch {
      throw RecordDecodingError(
        location: location, seq: nil, member: "", problem: "not JSON: \(error)")
    }
    try self.init(value, at: location)
  }
}
