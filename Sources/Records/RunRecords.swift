import WhitlockCore

/// `run-start`: an instrument begins a run; `settings` is how it was configured.
public struct RunStartRecord: Sendable, Equatable {
  public var header: RecordHeader
  public var run: RunInfo
  /// The instrument's configuration, as recorded (free-form by design: it follows the
  /// configuration file).
  public var settings: JSONValue

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    run = try RunInfo(reader.object("run"))
    _ = try reader.object("settings")
    settings = reader.raw("settings") ?? .object([])
  }
}

/// `run-end`: what happened to one instrument during the run.
public struct RunEndRecord: Sendable, Equatable {
  /// The tally in `summary`.
  public struct Summary: Sendable, Equatable {
    public var reason: String
    public var acquisitionsCompleted: UInt64
    public var acquisitionsSpooled: UInt64
    public var acquisitionsInterrupted: UInt64
    public var acquisitionsDropped: UInt64
    public var errors: UInt64
    /// The fused whitlockite summary of the run, when fusion ran (free-form: `PointFusion`).
    public var fusion: JSONValue?
  }

  public var header: RecordHeader
  public var run: RunInfo
  public var summary: Summary

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    run = try RunInfo(reader.object("run"))
    let summary = try reader.object("summary")
    self.summary = Summary(
      reason: try summary.string("reason"),
      acquisitionsCompleted: try summary.unsigned("acquisitions_completed"),
      acquisitionsSpooled: try summary.unsigned("acquisitions_spooled"),
      acquisitionsInterrupted: try summary.unsigned("acquisitions_interrupted"),
      acquisitionsDropped: try summary.unsigned("acquisitions_dropped"),
      errors: try summary.unsigned("errors"),
      fusion: summary.raw("fusion"))
  }
}
