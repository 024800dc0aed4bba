import PriorProScan
import WhitlockCore

/// How an emulated ProScan stage is built.
public struct ProScanEmulatorSettings: Sendable, Equatable {
  /// Travel, µm (a move outside it is refused with `E,8`, value out of range).
  public var travel = StageTravel(x: -50_000...50_000, y: -35_000...35_000)
  /// Top speed at `SMS` 100 %, µm/s.
  public var topSpeed = 10_000.0
  /// Acceleration at `SAS` 100 %, µm/s².
  public var topAcceleration = 100_000.0
  /// µm per position unit (`RES,s`).
  public var resolution = 1.0
  /// Moves the standard-mode queue holds besides the one running (the manual: up to 100).
  public var queueCapacity = 100
  /// Where the stage stands at power-up, µm.
  public var start = StagePosition(x: 0, y: 0)

  /// The defaults: a 100 × 70 mm stage at 10 mm/s and 0.1 m/s², 1 µm units.
  public init() {}
}

/// A Prior ProScan III controller with an XY stage, byte for byte as `ProScanCommand` and
/// `ProScanReply` describe the protocol: property commands answered at once, `R` at the end of
/// each move, up to `queueCapacity` queued moves then `E,18`, `E,8` for a target outside the
/// travel, `E,5` for an unknown command, `E,4` for unreadable arguments, `K` halting on the spot.
///
/// Where the manual is silent the emulator chooses, and says so here: a move refused or halted
/// by `K` sends no `R` of its own (only `K`'s); in compatibility mode (`COMP,1`) moves do not
/// queue and a move during a move is refused `E,2` (not idle); `COMP`, `SMS,n`, `SAS,n` and
/// `RES,s,r` answer `0` (`COMP` queried answers the mode); `PS,x,y` during a move is `E,2`.
public struct ProScanEmulator: LineDeviceEmulator {
  /// How the controller was built.
  public let settings: ProScanEmulatorSettings
  /// `COMP,1` was sent (and not undone).
  public private(set) var compatibilityMode = false
  /// µm per position unit (`RES,s`).
  public private(set) var resolution: Double
  /// `SMS`, per cent.
  public private(set) var speedPercent = 100
  /// `SAS`, per cent.
  public private(set) var accelerationPercent = 100
  /// Moves accepted (started or queued) since power-up.
  public private(set) var movesAccepted = 0
  /// Moves that ended (an `R` sent) since power-up.
  public private(set) var movesCompleted = 0
  private var resting: StagePosition
  private var current: StageMove?
  private var queued: [StagePosition] = []

  /// A controller at power-up.
  public init(settings: ProScanEmulatorSettings = ProScanEmulatorSettings()) {
    self.settings = settings
    self.resolution = settings.resolution
    self.resting = settings.start
  }

  /// The axis motion the current `SMS`/`SAS` give.
  public var motion: StageAxisMotion {
    StageAxisMotion(
      speed: settings.topSpeed * Double(speedPercent) / 100,
      acceleration: settings.topAcceleration * Double(accelerationPercent) / 100)
  }

  /// Where the stage is at `now`, µm.
  public func position(at now: ContinuousClock.Instant) -> StagePosition {
    current?.position(at: now) ?? resting
  }

  /// Moves running or queued.
  public var movesPending: Int { queued.count + (current == nil ? 0 : 1) }

  public mutating func receive(_ line: String, at now: ContinuousClock.Instant) -> [String] {
    var replies = due(at: now)
    switch ProScanCommand.parse(line) {
    case .failure(let code): replies.append(ProScanReply.error(code).text)
    case .success(let command):
      if let reply = execute(command, at: now) { replies.append(reply.text) }
    }
    return replies
  }

  public mutating func due(at now: ContinuousClock.Instant) -> [String] {
    var lines: [String] = []
    while let move = current, move.endsAt <= now {
      resting = move.to
      current = nil
      movesCompleted += 1
      lines.append(ProScanReply.endOfMove.text)
      if !queued.isEmpty { start(to: queued.removeFirst(), at: move.endsAt) }
    }
    return lines
  }

  public func nextDue() -> ContinuousClock.Instant? { current?.endsAt }

  private mutating func execute(_ command: ProScanCommand, at now: ContinuousClock.Instant)
    -> ProScanReply?
  {
    switch command {
    case .compatibilityMode: return .values([compatibilityMode ? "1" : "0"])
    case .setCompatibilityMode(let on):
      compatibilityMode = on
      return .values([on ? "1" : "0"])
    case .moveAbsolute(let x, let y):
      return move(to: StagePosition(x: Double(x) * resolution, y: Double(y) * resolution), at: now)
    case .moveRelative(let x, let y):
      let base = queued.last ?? current?.to ?? resting
      return move(
        to: StagePosition(x: base.x + Double(x) * resolution, y: base.y + Double(y) * resolution),
        at: now)
    case .position:
      let here = position(at: now)
      return .values([String(units(here.x)), String(units(here.y))])
    case .setPosition(let x, let y):
      guard current == nil else { return .error(.notIdle) }
      resting = StagePosition(x: Double(x) * resolution, y: Double(y) * resolution)
      return .values(["0"])
    case .motionStatus:
      let moving = current?.moving(at: now) ?? (x: false, y: false)
      var status: ProScanMotionStatus = []
      if moving.x { status.insert(.x) }
      if moving.y { status.insert(.y) }
      return .values([String(status.rawValue)])
    case .kill:
      resting = position(at: now)
      current = nil
      queued.removeAll()
      return .endOfMove
    case .stageResolution: return .values([ProScanNumber.text(resolution)])
    case .setStageResolution(let value):
      guard value > 0, value <= 1000 else { return .error(.valueOutOfRange) }
      resolution = value
      return .values(["0"])
    case .maximumSpeed: return .values([String(speedPercent)])
    case .setMaximumSpeed(let percent):
      guard (1...100).contains(percent) else { return .error(.argument1OutOfRange) }
      speedPercent = percent
      return .values(["0"])
    case .acceleration: return .values([String(accelerationPercent)])
    case .setAcceleration(let percent):
      guard (1...100).contains(percent) else { return .error(.argument1OutOfRange) }
      accelerationPercent = percent
      return .values(["0"])
    }
  }

  private mutating func move(to target: StagePosition, at now: ContinuousClock.Instant)
    -> ProScanReply?
  {
    guard settings.travel.contains(target) else { return .error(.valueOutOfRange) }
    if current != nil {
      if compatibilityMode { return .error(.notIdle) }
      guard queued.count < settings.queueCapacity else { return .error(.queueFull) }
      queued.append(target)
    } else {
      start(to: target, at: now)
    }
    movesAccepted += 1
    return nil
  }

  private mutating func start(to target: StagePosition, at instant: ContinuousClock.Instant) {
    let motion = self.motion
    current = StageMove(from: resting, to: target, startedAt: instant, x: motion, y: motion)
  }

  private func units(_ micrometres: Double) -> Int { Int((micrometres / resolution).rounded()) }
}
