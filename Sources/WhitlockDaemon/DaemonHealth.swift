import Synchronization

/// What every instrument session is doing right now, shared with the systemd watchdog (and the
/// status reports) so that health is judged from real progress, not from the process being alive.
public final class DaemonHealth: Sendable {
  /// The state of one instrument session.
  public enum InstrumentState: String, Sendable {
    /// Opening the device for the first time.
    case opening
    /// The device is missing or failing; the session retries with back-off.
    case waitingForDevice = "waiting-for-device"
    /// Acquiring continuously.
    case acquiring
    /// The session has ended.
    case stopped
  }

  /// One instrument's entry.
  public struct Instrument: Sendable, Equatable {
    public var id: String
    public var state: InstrumentState = .opening
    /// How long one acquisition is expected to take, in seconds.
    public var expectedAcquisitionSeconds: Double
    /// When the acquisition in flight started, if one is.
    public var acquiringSince: ContinuousClock.Instant?
    public var completed: UInt64 = 0
    public var lastError: String?
  }

  private let instruments: Mutex<[Instrument]>

  public init() { instruments = Mutex([]) }

  /// Adds an instrument before its session starts.
  public func register(id: String, expectedAcquisitionSeconds: Double) {
    instruments.withLock {
      $0.append(Instrument(id: id, expectedAcquisitionSeconds: expectedAcquisitionSeconds))
    }
  }

  func update(_ id: String, _ change: (inout Instrument) -> Void) {
    instruments.withLock { list in
      if let index = list.firstIndex(where: { $0.id == id }) { change(&list[index]) }
    }
  }

  /// A snapshot of every instrument, in configuration order.
  public var snapshot: [Instrument] { instruments.withLock { $0 } }

  /// True once no instrument is still in its first opening attempt: the moment to send READY=1.
  public var isSettled: Bool { snapshot.allSatisfy { $0.state != .opening } }

  /// Instruments whose acquisition has run longer than expected plus `margin`, with how long.
  public func stuck(now: ContinuousClock.Instant, margin: Double) -> [(id: String, for: Duration)] {
    snapshot.compactMap { instrument in
      guard instrument.state == .acquiring, let since = instrument.acquiringSince else {
        return nil
      }
      let elapsed = now - since
      let allowed = Duration.seconds(instrument.expectedAcquisitionSeconds + margin)
      return elapsed > allowed ? (instrument.id, elapsed) : nil
    }
  }

  /// One line for `STATUS=`: each instrument's state and count.
  public var statusLine: String {
    snapshot.map { "\($0.id) \($0.state.rawValue) (\($0.completed))" }.joined(separator: ", ")
  }
}
