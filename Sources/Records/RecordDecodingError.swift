/// Where a spool record came from, for error messages: the segment file and line, when known.
public struct RecordLocation: Sendable, Equatable, CustomStringConvertible {
  public var file: String?
  public var line: Int?

  public init(file: String? = nil, line: Int? = nil) {
    self.file = file
    self.line = line
  }

  public var description: String {
    switch (file, line) {
    case (let file?, let line?): return "\(file):\(line)"
    case (let file?, nil): return file
    case (nil, let line?): return "line \(line)"
    case (nil, nil): return "record"
    }
  }
}

/// Why a spool record could not be read as its type: the record's file and line, its `seq` when
/// readable, and the member (a dotted path such as `acquisition.full_scale`) that is missing or
/// of the wrong type.
public struct RecordDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  public var location: RecordLocation
  public var seq: UInt64?
  /// Dotted path of the member at fault; empty for the record as a whole.
  public var member: String
  public var problem: String

  public init(location: RecordLocation, seq: UInt64?, member: String, problem: String) {
    self.location = location
    self.seq = seq
    self.member = member
    self.problem = problem
  }

  public var description: String {
    let seqText = seq.map { " (seq \($0))" } ?? ""
    let memberText = member.isEmpty ? "" : " \(member):"
    return "\(location)\(seqText):\(memberText) \(problem)"
  }
}
