import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The PostgreSQL shipper's metrics (`whitlock_ship_*`): what it stored, what waits in `new/`,
/// and whether it is failing, so an alert can fire on a growing backlog.
final class ShipMetrics: Sendable {
  private let totals = Mutex(MonitorMetrics.ShipSample())
  private let records: CoreMetrics.Counter
  private let alreadyPresent: CoreMetrics.Counter
  private let segments: CoreMetrics.Counter
  private let quarantined: CoreMetrics.Counter
  private let connectFailures: CoreMetrics.Counter
  private let backlogSegments: CoreMetrics.Gauge
  private let backlogBytes: CoreMetrics.Gauge
  private let failing: CoreMetrics.Gauge

  init(factory: PrometheusMetricsFactory) {
    records = CoreMetrics.Counter(label: "whitlock_ship_records_total", factory: factory)
    alreadyPresent = CoreMetrics.Counter(
      label: "whitlock_ship_records_already_present_total", factory: factory)
    segments = CoreMetrics.Counter(label: "whitlock_ship_segments_total", factory: factory)
    quarantined = CoreMetrics.Counter(
      label: "whitlock_ship_segments_quarantined_total", factory: factory)
    connectFailures = CoreMetrics.Counter(
      label: "whitlock_ship_connect_failures_total", factory: factory)
    backlogSegments = CoreMetrics.Gauge(label: "whitlock_ship_backlog_segments", factory: factory)
    backlogBytes = CoreMetrics.Gauge(label: "whitlock_ship_backlog_bytes", factory: factory)
    failing = CoreMetrics.Gauge(label: "whitlock_ship_failing", factory: factory)
  }

  func record(_ sample: MonitorMetrics.ShipSample) {
    let previous = totals.withLock { totals in
      defer { totals = sample }
      return totals
    }
    func delta(_ now: UInt64, _ before: UInt64) -> Int64 { Int64(now > before ? now - before : 0) }
    records.increment(by: delta(sample.recordsShipped, previous.recordsShipped))
    alreadyPresent.increment(
      by: delta(sample.recordsAlreadyPresent, previous.recordsAlreadyPresent))
    segments.increment(by: delta(sample.segmentsShipped, previous.segmentsShipped))
    quarantined.increment(by: delta(sample.segmentsQuarantined, previous.segmentsQuarantined))
    connectFailures.increment(by: delta(sample.connectFailures, previous.connectFailures))
    backlogSegments.record(sample.backlogSegments)
    backlogBytes.record(sample.backlogBytes)
    failing.record(sample.failing ? 1 : 0)
  }
}

extension MonitorMetrics {
  /// Cumulative shipper counters as read from its status; converted to counter increments.
  public struct ShipSample: Sendable, Equatable {
    public var recordsShipped: UInt64 = 0
    public var recordsAlreadyPresent: UInt64 = 0
    public var segmentsShipped: UInt64 = 0
    public var segmentsQuarantined: UInt64 = 0
    public var connectFailures: UInt64 = 0
    public var backlogSegments = 0
    public var backlogBytes = 0
    public var failing = false

    public init(
      recordsShipped: UInt64 = 0, recordsAlreadyPresent: UInt64 = 0, segmentsShipped: UInt64 = 0,
      segmentsQuarantined: UInt64 = 0, connectFailures: UInt64 = 0, backlogSegments: Int = 0,
      backlogBytes: Int = 0, failing: Bool = false
    ) {
      self.recordsShipped = recordsShipped
      self.recordsAlreadyPresent = recordsAlreadyPresent
      self.segmentsShipped = segmentsShipped
      self.segmentsQuarantined = segmentsQuarantined
      self.connectFailures = connectFailures
      self.backlogSegments = backlogSegments
      self.backlogBytes = backlogBytes
      self.failing = failing
    }
  }

  /// Records a new reading of the shipper's status.
  public func recordShip(_ sample: ShipSample) { ship.record(sample) }
}
