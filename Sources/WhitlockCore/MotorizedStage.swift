/// A motorised XY stage driven over a serial line: the part of a map that moves the sample.
///
/// Every call talks to the controller and may throw a `StageError`. `open()` drains and
/// resynchronises the line first, so replies a killed predecessor left behind are never taken
/// as answers; `close()` releases the port and may be called at any time.
public protocol MotorizedStage: Sendable {
  /// A name for messages, e.g. the configured id and the port.
  var name: String { get }
  /// Opens the port, drains stale input, stops any motion and identifies the controller.
  func open() async throws(StageError) -> StageIdentity
  /// Starts a move to `target`; returns once the controller accepted it.
  func moveAbsolute(to target: StagePosition) async throws(StageError)
  /// Waits until the move has ended and the axes stand still, then returns the measured position.
  func waitUntilSettled(timeout: Duration) async throws(StageError) -> StagePosition
  /// The measured position of a stage at rest.
  func position() async throws(StageError) -> StagePosition
  /// Stops every axis at once and forgets queued moves.
  func stop() async throws(StageError)
  /// Closes the port; later calls throw `.notOpen`.
  func close() async
  /// Bytes dropped by the latest `open()` (stale replies, a dead client's answers).
  var staleBytesAtLastOpen: Int { get async }
}

/// What `open()` learned about a stage controller.
public struct StageIdentity: Sendable, Equatable {
  /// The stage family, e.g. `prior-proscan` or `marzhauser-tango`.
  public var family: String
  /// The controller's own description of itself (its version reply).
  public var controller: String
  /// Travel limits in µm when the controller reports them (TANGO `?lim`), else `nil`.
  public var travel: StageTravel?

  /// An identity.
  public init(family: String, controller: String, travel: StageTravel?) {
    self.family = family
    self.controller = controller
    self.travel = travel
  }
}

/// A stage's travel range, µm, per axis.
public struct StageTravel: Sendable, Equatable {
  /// X travel, µm.
  public var x: ClosedRange<Double>
  /// Y travel, µm.
  public var y: ClosedRange<Double>

  /// A travel range.
  public init(x: ClosedRange<Double>, y: ClosedRange<Double>) {
    self.x = x
    self.y = y
  }

  /// Whether `position` lies within the range on both axes.
  public func contains(_ position: StagePosition) -> Bool {
    x.contains(position.x) && y.contains(position.y)
  }
}

/// Why a stage operation failed, specific enough to act on.
public enum StageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The target lies outside the stage's travel; nothing moved. `reason` is the controller's
  /// (or the driver's, for limits it knows) wording.
  case targetOutOfRange(StagePosition, reason: String)
  /// The controller's move queue is full; the move was not accepted and may be sent again.
  case queueFull
  /// The controller refused a command with an error code the driver has no specific case for.
  case deviceRefused(code: Int, meaning: String, command: String)
  /// The axes did not come to rest within the time allowed.
  case settleTimeout(after: Duration, target: StagePosition?)
  /// No reply within the deadline to `waitingFor`.
  case timeout(waitingFor: String)
  /// The line went away (unplugged, port closed, hang-up).
  case disconnected(String)
  /// A reply that does not fit the protocol.
  case unexpectedReply(expected: String, received: String)
  /// A move is still in progress: the controller takes no other command until it ends.
  case moveInProgress
  /// The stage is not open.
  case notOpen
  /// The port could not be opened or configured.
  case portUnavailable(String)

  /// One line naming what went wrong.
  public var description: String {
    switch self {
    case .targetOutOfRange(let target, let reason): "target \(target) out of range: \(reason)"
    case .queueFull: "the controller's move queue is full"
    case .deviceRefused(let code, let meaning, let command):
      "\(command) refused with error \(code): \(meaning)"
    case .settleTimeout(let after, let target):
      "the stage did not settle within \(after)" + (target.map { " on its way to \($0)" } ?? "")
    case .timeout(let what): "no reply to \(what) in time"
    case .disconnected(let what): "the stage went away: \(what)"
    case .unexpectedReply(let expected, let received):
      "expected \(expected), received \"\(received)\""
    case .moveInProgress: "a move is still in progress"
    case .notOpen: "the stage is not open"
    case .portUnavailable(let why): "cannot open the stage's port: \(why)"
    }
  }

  /// The error as the daemon classifies instrument trouble.
  public var instrumentError: InstrumentError {
    let category: InstrumentError.Category =
      switch self {
      case .targetOutOfRange, .queueFull, .deviceRefused, .moveInProgress: .deviceRejected
      case .settleTimeout, .timeout: .timeout
      case .disconnected, .notOpen: .disconnected
      case .unexpectedReply: .protocolViolation
      case .portUnavailable: .notFound
      }
    return InstrumentError(category, description)
  }

  /// A transport failure (`InstrumentError` from a `ByteStream`) as a stage error.
  public init(transport error: any Error, waitingFor what: String) {
    if let error = error as? StageError {
      self = error
    } else if let error = error as? InstrumentError {
      switch error.category {
      case .timeout: self = .timeout(waitingFor: what)
      case .notFound, .permission, .configuration: self = .portUnavailable(error.message)
      default: self = .disconnected(error.message)
      }
    } else {
      self = .disconnected("\(error)")
    }
  }
}
