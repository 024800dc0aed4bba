/// The rule for when a Wasatch spectrometer's laser may be on.
///
/// The laser may fire only when the configuration explicitly allows it and a run is active (the
/// instrument is open and acquiring). Anything else — run end, shutdown, any error — means off.
/// This type only decides; `WasatchInstrument` carries the decision out and reports the state.
public struct LaserInterlock: Sendable, Equatable {
  /// What the configuration said (`laser_enabled = true`); off by default.
  public let allowedByConfiguration: Bool
  /// Whether a run is active.
  public private(set) var runActive = false
  /// Whether a fault happened since the run started; only a new run clears it.
  public private(set) var faulted = false

  public init(allowedByConfiguration: Bool) {
    self.allowedByConfiguration = allowedByConfiguration
  }

  /// Whether the laser should be on now.
  public var laserShouldBeOn: Bool { allowedByConfiguration && runActive && !faulted }

  /// A run starts (the instrument opened).
  public mutating func beginRun() {
    runActive = true
    faulted = false
  }

  /// The run ended (close, shutdown).
  public mutating func endRun() { runActive = false }

  /// Something failed: the laser goes off until the next run.
  public mutating func fault() { faulted = true }
}
