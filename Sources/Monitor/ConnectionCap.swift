import CoreMetrics
import HummingbirdCore

/// Stops accepting connections at `maximum` and reports how many are open
/// (`whitlock_monitor_connections`). Connections beyond it wait in the kernel's listen queue,
/// where they hold no descriptor of the daemon's.
struct ConnectionCap: AvailableConnectionsDelegate {
  let maximum: Int
  let gauge: CoreMetrics.Gauge
  private var open = 0

  init(maximum: Int, gauge: CoreMetrics.Gauge) {
    self.maximum = maximum
    self.gauge = gauge
  }

  mutating func connectionOpened() {
    open += 1
    gauge.record(open)
  }

  mutating func connectionClosed() {
    open -= 1
    gauge.record(open)
  }

  func isAcceptingNewConnections() -> Bool { open < maximum }
}
