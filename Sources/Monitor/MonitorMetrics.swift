import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The daemon's metrics, recorded through swift-metrics into a private Prometheus registry and
/// served as text by `GET /metrics`.
///
/// The factory is passed explicitly instead of bootstrapping the global `MetricsSystem`, so
/// several daemons (or tests) in one process each keep their own numbers.
public final class MonitorMetrics: Sendable {
  /// The registry `GET /metrics` renders.
  public let registry: PrometheusCollectorRegistry
  private let factory: PrometheusMetricsFactory
  private let instruments = Mutex<[String: InstrumentMetrics]>([:])
  private let spoolTotals = Mutex(SpoolSample())

  /// Live-stream counters.
  public let sseClients: CoreMetrics.Gauge
  public let sseClientsDropped: CoreMetrics.Counter
  /// Live clients refused because `max_sse_clients` were connected.
  public let sseClientsRefused: CoreMetrics.Counter
  public let sseEvents: CoreMetrics.Counter
  /// HTTP connections open now, and those closed because the client stopped reading.
  public let connections: CoreMetrics.Gauge
  public let connectionsStalled: CoreMetrics.Counter

  private let spoolRecords: CoreMetrics.Counter
  private let spoolSegments: CoreMetrics.Counter
  private let spoolBytes: CoreMetrics.Counter
  private let spoolRefused: CoreMetrics.Counter
  private let spoolBacklog: CoreMetrics.Gauge
  private let spoolLag: CoreMetrics.Gauge
  private let spoolFailing: CoreMetrics.Gauge
  private let spoolAbandoned: CoreMetrics.Counter
  let ship: ShipMetrics

  /// Bucket bounds of `whitlock_detection_latency_seconds`: 50 µs to 2.5 s.
  public static let detectionLatencyBuckets: [Duration] = [
    .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
    .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
    .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    .seconds(2.5),
  ]

  public init() {
    registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.durationHistogramBuckets["whitlock_detection_latency_seconds"] =
      Self.detectionLatencyBuckets
    self.factory = factory
    sseClients = CoreMetrics.Gauge(label: "whitlock_sse_clients", factory: factory)
    sseClientsDropped = CoreMetrics.Counter(
      label: "whitlock_sse_clients_dropped_total", factory: factory)
    sseClientsRefused = CoreMetrics.Counter(
      label: "whitlock_sse_clients_refused_total", factory: factory)
    sseEvents = CoreMetrics.Counter(label: "whitlock_sse_events_total", factory: factory)
    connections = CoreMetrics.Gauge(label: "whitlock_monitor_connections", factory: factory)
    connectionsStalled = CoreMetrics.Counter(
      label: "whitlock_monitor_connections_stalled_total", factory: factory)
    spoolRecords = CoreMetrics.Counter(
      label: "whitlock_spool_records_written_total", factory: factory)
    spoolSegments = CoreMetrics.Counter(
      label: "whitlock_spool_segments_published_total", factory: factory)
    spoolBytes = CoreMetrics.Counter(label: "whitlock_spool_bytes_written_total", factory: factory)
    spoolRefused = CoreMetrics.Counter(
      label: "whitlock_spool_records_refused_total", factory: factory)
    spoolBacklog = CoreMetrics.Gauge(label: "whitlock_spool_backlog_records", factory: factory)
    spoolLag = CoreMetrics.Gauge(label: "whitlock_spool_lag_seconds", factory: factory)
    spoolFailing = CoreMetrics.Gauge(label: "whitlock_spool_failing", factory: factory)
    spoolAbandoned = CoreMetrics.Counter(
      label: "whitlock_spool_segments_abandoned_total", factory: factory)
    ship = ShipMetrics(factory: factory)
  }

  /// The metrics of one instrument, created on first use.
  public func instrument(_ id: String) -> InstrumentMetrics {
    instruments.withLock { table in
      if let existing = table[id] { return existing }
      let created = InstrumentMetrics(id: id, factory: factory)
      table[id] = created
      return created
    }
  }

  /// Cumulative spool counters as read from the spool pump; converted to counter increments.
  public struct SpoolSample: Sendable, Equatable {
    public var recordsWritten: UInt64 = 0
    public var segmentsPublished: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    public var refused: UInt64 = 0
    public var backlog = 0
    public var failing = false
    /// Segment files abandoned after a failed write, fsync or ftruncate (records rewritten).
    public var segmentsAbandoned: UInt64 = 0

    public init(
      recordsWritten: UInt64 = 0, segmentsPublished: UInt64 = 0, bytesWritten: UInt64 = 0,
      refused: UInt64 = 0, backlog: Int = 0, failing: Bool = false, segmentsAbandoned: UInt64 = 0
    ) {
      self.segmentsAbandoned = segmentsAbandoned
      self.recordsWritten = recordsWritten
      self.segmentsPublished = segmentsPublished
      self.bytesWritten = bytesWritten
      self.refused = refused
      self.backlog = backlog
      self.failing = failing
    }
  }

  /// Records a new reading of the spool's cumulative counters.
  public func recordSpool(_ sample: SpoolSample) {
    let previous = spoolTotals.withLock { totals in
      defer { totals = sample }
      return totals
    }
    func delta(_ now: UInt64, _ before: UInt64) -> Int64 { Int64(now > before ? now - before : 0) }
    spoolRecords.increment(by: delta(sample.recordsWritten, previous.recordsWritten))
    spoolSegments.increment(by: delta(sample.segmentsPublished, previous.segmentsPublished))
    spoolBytes.increment(by: delta(sample.bytesWritten, previous.bytesWritten))
    spoolRefused.increment(by: delta(sample.refused, previous.refused))
    spoolBacklog.record(sample.backlog)
    spoolFailing.record(sample.failing ? 1 : 0)
    spoolAbandoned.increment(by: delta(sample.segmentsAbandoned, previous.segmentsAbandoned))
  }

  /// Seconds from the end of an acquisition (or a run event) to its record being written.
  public func recordSpoolLag(seconds: Double) { spoolLag.record(seconds) }

  /// The metrics in Prometheus text exposition format (version 0.0.4).
  public func exposition() -> [UInt8] {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(16 * 1024)
    registry.emit(into: &buffer)
    return buffer
  }
}

/// The metrics of one instrument, labelled `instrument="<id>"`.
public struct InstrumentMetrics: Sendable {
  /// Acquisitions completed on the device.
  public let acquisitions: CoreMetrics.Counter
  /// Device, protocol and open errors.
  public let errors: CoreMetrics.Counter
  /// Time to analyse one spectrum.
  public let detectionLatency: CoreMetrics.Timer
  /// Spectra waiting for analysis.
  public let queueDepth: CoreMetrics.Gauge
  /// Spectra dropped because the analysis queue or the spool backlog was full.
  public let dropped: CoreMetrics.Counter
  /// Acquisitions that waited for room in the full analysis queue instead of being dropped.
  public let waitedForAnalysis: CoreMetrics.Counter
  /// 1 while the device is open, else 0.
  public let connected: CoreMetrics.Gauge
  private let id: String
  private let factory: PrometheusMetricsFactory

  /// Records the last Raman whitlockite fraction estimate. The gauge appears with the first
  /// value, so an XRF detector never shows a meaningless 0.
  public func recordWhitlockiteFraction(_ value: Double) {
    CoreMetrics.Gauge(
      label: "whitlock_last_whitlockite_fraction", dimensions: [("instrument", id)],
      factory: factory
    ).record(value)
  }

  /// Counts link trouble the driver survived without failing the acquisition (`kind`: retries,
  /// skipped_bytes, corrupted_frames, drained_bytes), so a noisy line shows before it breaks.
  public func recordLinkTrouble(kind: String, _ amount: Int64) {
    CoreMetrics.Counter(
      label: "whitlock_link_trouble_total", dimensions: [("instrument", id), ("kind", kind)],
      factory: factory
    ).increment(by: amount)
  }

  /// Records the last XRF Mg/Ca estimate (appears with the first value).
  public func recordMgCaRatio(_ value: Double) {
    CoreMetrics.Gauge(
      label: "whitlock_last_mg_ca_ratio", dimensions: [("instrument", id)], factory: factory
    ).record(value)
  }

  init(id: String, factory: PrometheusMetricsFactory) {
    let labels = [("instrument", id)]
    acquisitions = CoreMetrics.Counter(
      label: "whitlock_acquisitions_total", dimensions: labels, factory: factory)
    errors = CoreMetrics.Counter(
      label: "whitlock_errors_total", dimensions: labels, factory: factory)
    detectionLatency = CoreMetrics.Timer(
      label: "whitlock_detection_latency_seconds", dimensions: labels, factory: factory)
    queueDepth = CoreMetrics.Gauge(
      label: "whitlock_analysis_queue_depth", dimensions: labels, factory: factory)
    dropped = CoreMetrics.Counter(
      label: "whitlock_acquisitions_dropped_total", dimensions: labels, factory: factory)
    waitedForAnalysis = CoreMetrics.Counter(
      label: "whitlock_acquisition_waits_total", dimensions: labels, factory: factory)
    connected = CoreMetrics.Gauge(
      label: "whitlock_device_connected", dimensions: labels, factory: factory)
    self.id = id
    self.factory = factory
  }
}
