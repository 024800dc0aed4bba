import WhitlockCore

/// The document `GET /api/v1/status` serves, typed: what `whitlockctl status` renders and a
/// dashboard reads. Produced by the daemon's `MonitorBridge`; a test decodes what it produces.
public struct DaemonStatus: Sendable, Equatable {
  /// `daemon`: process-level state.
  public struct Daemon: Sendable, Equatable {
    public var started: String
    public var uptimeSeconds: Double
    public var ready: Bool
    /// The full reason when not ready (paths and database users included).
    public var notReadyReason: String?
    public var detectorKernels: String?
  }

  /// `run`: the run new acquisitions belong to.
  public struct Run: Sendable, Equatable {
    public var runID: String
    public var sampleID: String?
    public var operatorName: String?
    public var pointID: String?
    public var started: String
    public var automatic: Bool
  }

  /// One entry of `instruments`.
  public struct Instrument: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var driver: String
    public var state: String
    public var acquisitions: Int64
    public var errors: Int64
    public var dropped: Int64
    public var lastAcquisition: String?
    public var lastError: String?
  }

  /// `spool`: the local spool's writer.
  public struct Spool: Sendable, Equatable {
    public var path: String
    public var spoolID: String?
    public var state: String
    public var error: String?
    public var recordsWritten: Int64
    public var segmentsPublished: Int64
    public var backlog: Int64
    public var refused: Int64
    /// Segments whose file failed (EIO) and were rewritten into a new one.
    public var segmentsAbandoned: Int64
  }

  /// `ship`: shipping into PostgreSQL, when configured.
  public struct Ship: Sendable, Equatable {
    public var database: String
    public var state: String
    public var recordsShipped: Int64
    public var backlogSegments: Int64
    public var backlogBytes: Int64
    public var segmentsQuarantined: Int64
    public var recordsQuarantined: Int64
    public var lastError: String?
    /// Set when the connection is not verified TLS to a remote host.
    public var tlsWarning: String?
  }

  /// `live`: the server-sent-event clients.
  public struct Live: Sendable, Equatable {
    public var clients: Int64
    public var clientsDropped: Int64
    public var eventsPublished: Int64
  }

  public var daemon: Daemon
  public var run: Run
  public var instruments: [Instrument]
  public var spool: Spool
  public var ship: Ship?
  public var live: Live

  /// Decodes the document; errors name the member at fault.
  public init(_ value: JSONValue) throws(RecordDecodingError) {
    let reader = MemberReader(
      value: value, path: "", location: RecordLocation(file: "GET /api/v1/status"), seq: nil)
    let daemon = try reader.object("daemon")
    self.daemon = Daemon(
      started: try daemon.string("started"), uptimeSeconds: try daemon.number("uptime_s"),
      ready: try daemon.boolean("ready"),
      notReadyReason: try daemon.optionalString("not_ready_reason"),
      detectorKernels: try daemon.optionalString("detector_kernels"))
    let run = try reader.object("run")
    self.run = Run(
      runID: try run.string("run_id"), sampleID: try run.optionalString("sample_id"),
      operatorName: try run.optionalString("operator"), pointID: try run.optionalString("point_id"),
      started: try run.string("started"), automatic: try run.boolean("automatic"))
    var instruments: [Instrument] = []
    for (index, item) in try reader.array("instruments").enumerated() {
      let entry = MemberReader(
        value: item, path: "instruments[\(index)]", location: reader.location, seq: nil)
      instruments.append(
        Instrument(
          id: try entry.string("id"), kind: try entry.string("kind"),
          driver: try entry.string("driver"), state: try entry.string("state"),
          acquisitions: try entry.integer("acquisitions"), errors: try entry.integer("errors"),
          dropped: try entry.integer("dropped"),
          lastAcquisition: try entry.optionalString("last_acquisition"),
          lastError: try entry.optionalString("last_error")))
    }
    self.instruments = instruments
    let spool = try reader.object("spool")
    self.spool = Spool(
      path: try spool.string("path"), spoolID: try spool.optionalString("spool_id"),
      state: try spool.string("state"), error: try spool.optionalString("error"),
      recordsWritten: try spool.integer("records_written"),
      segmentsPublished: try spool.integer("segments_published"),
      backlog: try spool.integer("backlog"), refused: try spool.integer("refused"),
      segmentsAbandoned: try spool.optionalInteger("segments_abandoned") ?? 0)
    if let ship = try reader.optionalObject("ship") {
      self.ship = Ship(
        database: try ship.string("database"), state: try ship.string("state"),
        recordsShipped: try ship.integer("records_shipped"),
        backlogSegments: try ship.integer("backlog_segments"),
        backlogBytes: try ship.integer("backlog_bytes"),
        segmentsQuarantined: try ship.integer("segments_quarantined"),
        recordsQuarantined: try ship.optionalInteger("records_quarantined") ?? 0,
        lastError: try ship.optionalString("last_error"),
        tlsWarning: try ship.optionalString("tls_warning"))
    } else {
      ship = nil
    }
    let live = try reader.object("live")
    self.live = Live(
      clients: try live.integer("clients"), clientsDropped: try live.integer("clients_dropped"),
      eventsPublished: try live.integer("events_published"))
  }
}
