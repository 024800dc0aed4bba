import WhitlockCore

/// The data of the monitor's server-sent events (`GET /api/v1/events`), typed: what
/// `whitlockctl watch` and the live page read. Produced by the daemon's `MonitorBridge`.
public enum LiveEventData: Sendable, Equatable {
  /// `run`: a run started or ended.
  case run(LiveRunEvent)
  /// `instrument`: an instrument's state changed.
  case instrument(LiveInstrumentEvent)
  /// `acquisition`: a spectrum was analysed (decimated for display).
  case acquisition(LiveAcquisitionEvent)

  /// Decodes the data of an event named `event`; `nil` for event names this reader does not
  /// know (newer daemons may add some).
  public init?(event: String, data value: JSONValue) throws(RecordDecodingError) {
    let reader = MemberReader(
      value: value, path: "", location: RecordLocation(file: "event \(event)"), seq: nil)
    switch event {
    case "run": self = .run(try LiveRunEvent(reader))
    case "instrument": self = .instrument(try LiveInstrumentEvent(reader))
    case "acquisition": self = .acquisition(try LiveAcquisitionEvent(reader))
    default: return nil
    }
  }
}

/// A run started (`start`) or ended (`end`, with the reason).
public struct LiveRunEvent: Sendable, Equatable {
  public var event: String
  public var runID: String
  public var sampleID: String?
  public var pointID: String?
  public var reason: String?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    event = try reader.string("event")
    runID = try reader.string("run_id")
    sampleID = try reader.optionalString("sample_id")
    pointID = try reader.optionalString("point_id")
    reason = try reader.optionalString("reason")
  }
}

/// An instrument's new state (`opening`, `open`, `waiting-for-device`, `failed`, `closed`).
public struct LiveInstrumentEvent: Sendable, Equatable {
  public var id: String
  public var state: String
  public var error: String?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    id = try reader.string("id")
    state = try reader.string("state")
    error = try reader.optionalString("error")
  }
}

/// An analysed spectrum as the live clients get it: the spectrum decimated for display, the
/// detector's result typed as in the spool.
public struct LiveAcquisitionEvent: Sendable, Equatable {
  public var instrumentID: String
  public var kind: InstrumentKind
  public var runID: String
  public var deviceSeq: Int64
  public var time: String
  /// Axis unit (`cm-1`, `keV`), and the decimated axis and counts.
  public var unit: String
  public var axis: [Double]
  public var counts: [Double]
  public var detection: DetectionResult

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    let instrument = try reader.object("instrument")
    instrumentID = try instrument.string("id")
    let kindName = try instrument.string("kind")
    guard let kind = InstrumentKind(rawValue: kindName) else {
      throw instrument.failure("kind", "\"\(kindName)\" is not raman or xrf")
    }
    self.kind = kind
    runID = try reader.string("run_id")
    deviceSeq = try reader.integer("device_seq")
    time = try reader.string("time")
    let spectrum = try reader.object("spectrum")
    unit = try spectrum.string("unit")
    axis = try Self.numbers(spectrum, "axis")
    counts = try Self.numbers(spectrum, "counts")
    detection = try DetectionResult(reader.object("detection"), kind: kind)
  }

  private static func numbers(_ reader: MemberReader, _ key: String) throws(RecordDecodingError)
    -> [Double]
  {
    var result: [Double] = []
    for (index, item) in try reader.array(key).enumerated() {
      guard let number = item.doubleValue else {
        throw reader.failure("\(key)[\(index)]", "expected a number")
      }
      result.append(number)
    }
    return result
  }
}
