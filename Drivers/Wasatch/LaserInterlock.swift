import WhitlockCore

/// The rule for when a Wasatch spectrometer's laser may be on.
///
/// The laser may fire only when the configuration explicitly allows it, the instrument is open,
/// no fault happened since it opened, and an operator-started run is active (or the
/// configuration explicitly asks for continuous emission). Anything else — an automatic run, a
/// stopped run, close, shutdown, any error — means off. This type only decides;
/// `WasatchInstrument` carries the decision out and reports the state.
public struct LaserInterlock: Sendable, Equatable {
  /// What the configuration said (`laser_enabled = true`); off by default.
  public let allowedByConfiguration: Bool
  /// When emission is wanted (`laser_emission`); operator runs only by default.
  public let policy: EmissionPolicy
  /// Whether the instrument is open and acquiring.
  public private(set) var deviceOpen = false
  /// Whether an operator-started run is active.
  public private(set) var operatorRunActive = false
  /// Whether a fault happened since the device opened; only the next open clears it.
  public private(set) var faulted = false
  /// Whether a dark frame is being taken: the laser stays off for it whatever the run.
  public private(set) var takingDark = false

  public init(allowedByConfiguration: Bool, policy: EmissionPolicy = .operatorRuns) {
    self.allowedByConfiguration = allowedByConfiguration
    self.policy = policy
  }

  /// Whether the laser should be on now.
  public var laserShouldBeOn: Bool {
    allowedByConfiguration && deviceOpen && !faulted && !takingDark
      && (policy == .continuous || operatorRunActive)
  }

  /// The device opened: faults of the previous opening are forgotten.
  public mutating func deviceOpened() {
    deviceOpen = true
    faulted = false
  }

  /// The device is being closed (run end, shutdown, reopen).
  public mutating func deviceClosed() { deviceOpen = false }

  /// An operator-started run began (`true`) or ended (`false`).
  public mutating func operatorRun(active: Bool) { operatorRunActive = active }

  /// A dark frame begins (`true`) or the next frame is an ordinary one (`false`); a dark can
  /// only keep the laser off, never switch it on.
  public mutating func darkFrame(active: Bool) { takingDark = active }

  /// Something failed: the laser goes off until the next open.
  public mutating func fault() { faulted = true }
}
