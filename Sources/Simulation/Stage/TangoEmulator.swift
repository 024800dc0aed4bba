import MarzhauserTango
import WhitlockCore

/// How an emulated TANGO stage is built.
public struct TangoEmulatorSettings: Sendable, Equatable {
  /// Travel, µm, as `?lim x` / `?lim y` report it; a move outside is refused (error 32).
  public var travel = StageTravel(x: 0...100_000, y: 0...75_000)
  /// Speed, µm/s.
  public var speed = 20_000.0
  /// Acceleration, µm/s².
  public var acceleration = 200_000.0
  /// What `?version` answers.
  public var version = "TANGO-DESKTOP emulated by whitlock-sim, Venus-1"
  /// Longest instruction line taken; a longer one is refused with error 3 (too many characters).
  public var maximumLineLength = 64
  /// Where the stage stands at power-up, µm.
  public var start = StagePosition(x: 0, y: 0)

  /// The defaults: a 100 × 75 mm stage at 20 mm/s and 0.2 m/s².
  public init() {}
}

/// A Märzhäuser TANGO controller with an XY stage, as `TangoCommand` describes the protocol:
/// `!` instructions carried out without an answer, `?` instructions answered with one line,
/// every refusal recorded for `?err` (which answers the number and clears it), `?statusaxis`
/// one character per axis x, y, z, a (`@` still, `M` moving, `-` not fitted: z and a here).
///
/// Where the sources read are silent the emulator chooses, and says so here: a move during a
/// move replaces the target (the new move starts from where the stage is); `!a` stops on the
/// spot; positions are printed with three decimals; a refused `?` instruction is not answered.
public struct TangoEmulator: LineDeviceEmulator {
  /// How the controller was built.
  public let settings: TangoEmulatorSettings
  /// Moves accepted since power-up.
  public private(set) var movesAccepted = 0
  /// What `?err` will answer.
  public private(set) var lastError = TangoErrorCode.none
  /// Whether `!autostatus` is on (the emulator sends no status lines either way).
  public private(set) var autostatus = true
  private var resting: StagePosition
  private var current: StageMove?

  /// A controller at power-up (autostatus on, as the driver assumes until it turns it off).
  public init(settings: TangoEmulatorSettings = TangoEmulatorSettings()) {
    self.settings = settings
    self.resting = settings.start
  }

  /// The axis motion.
  public var motion: StageAxisMotion {
    StageAxisMotion(speed: settings.speed, acceleration: settings.acceleration)
  }

  /// Where the stage is at `now`, µm.
  public func position(at now: ContinuousClock.Instant) -> StagePosition {
    current?.position(at: now) ?? resting
  }

  public mutating func receive(_ line: String, at now: ContinuousClock.Instant) -> [String] {
    settle(at: now)
    guard line.utf8.count <= settings.maximumLineLength else {
      lastError = .tooManyCharacters
      return []
    }
    switch TangoCommand.parse(line) {
    case .failure(let code):
      lastError = code
      return []
    case .success(let command):
      return execute(command, at: now)
    }
  }

  public mutating func due(at now: ContinuousClock.Instant) -> [String] {
    settle(at: now)
    return []
  }

  public func nextDue() -> ContinuousClock.Instant? { nil }

  private mutating func settle(at now: ContinuousClock.Instant) {
    if let move = current, move.endsAt <= now {
      resting = move.to
      current = nil
    }
  }

  private mutating func execute(_ command: TangoCommand, at now: ContinuousClock.Instant)
    -> [String]
  {
    switch command {
    case .clearInput: return []
    case .autostatus(let on):
      autostatus = on
      return []
    case .version: return [settings.version]
    case .micrometreUnits: return []
    case .moveAbsolute(let x, let y):
      move(to: StagePosition(x: x, y: y), at: now)
      return []
    case .moveRelative(let x, let y):
      let here = position(at: now)
      move(to: StagePosition(x: here.x + x, y: here.y + y), at: now)
      return []
    case .position:
      let here = position(at: now)
      return ["\(TangoNumber.text(here.x)) \(TangoNumber.text(here.y))"]
    case .statusAxis:
      let moving = current?.moving(at: now) ?? (x: false, y: false)
      let x: TangoAxisState = moving.x ? .moving : .idle
      let y: TangoAxisState = moving.y ? .moving : .idle
      return [String([x.character, y.character, "-", "-"])]
    case .lastError:
      defer { lastError = .none }
      return [String(lastError.rawValue)]
    case .abort:
      resting = position(at: now)
      current = nil
      return []
    case .limits(let axis):
      let range: ClosedRange<Double>
      switch axis {
      case "x": range = settings.travel.x
      case "y": range = settings.travel.y
      default:
        lastError = .noValidAxisName
        return []
      }
      return ["\(TangoNumber.text(range.lowerBound)) \(TangoNumber.text(range.upperBound))"]
    }
  }

  private mutating func move(to target: StagePosition, at now: ContinuousClock.Instant) {
    guard settings.travel.contains(target) else {
      lastError = .targetOutsideLimit
      return
    }
    let from = position(at: now)
    current = StageMove(from: from, to: target, startedAt: now, x: motion, y: motion)
    movesAccepted += 1
  }
}
