/// A command line the host sends to a Prior ProScan III controller (standard mode), and its
/// parsing on the device side (the emulator).
///
/// Protocol facts (Prior Scientific, "ProScan III" manual v1.12, section 4.1 "ASCII commands for
/// RS232 or Virtual COM control"; pages: manualslib.com/manual/1413689, page 43): commands and
/// replies end with CR; arguments are separated from the command by one or more of comma,
/// space, tab, semicolon or colon (`G,100,200`, `G 100 200`, `G,,100,200` are one command);
/// property commands reply at once, movement commands reply `R` at the end of the move; in
/// standard mode up to 100 movement commands queue, a move that does not fit is refused with
/// `E,18` (queue full) and must be sent again. `COMP 0` selects standard mode (it answers `0`),
/// `$` reports motion, `PS` the XY position, `K` halts, `RES,s` the stage resolution (µm per
/// position unit), `SMS`/`SAS` maximum speed and acceleration in per cent (1–100).
public enum ProScanCommand: Sendable, Equatable, CustomStringConvertible {
  /// `COMP`: which mode is set (`0` standard, `1` compatibility).
  case compatibilityMode
  /// `COMP,n`: selects compatibility (`1`) or standard (`0`) mode; answers the mode.
  case setCompatibilityMode(Bool)
  /// `G,x,y`: moves to the absolute position (x, y) in resolution units; `R` at the end.
  case moveAbsolute(x: Int, y: Int)
  /// `GR,x,y`: moves by (x, y) resolution units; `R` at the end.
  case moveRelative(x: Int, y: Int)
  /// `PS`: the XY position, `x,y`.
  case position
  /// `PS,x,y`: declares the current position to be (x, y); answers `0`.
  case setPosition(x: Int, y: Int)
  /// `$`: the motion status (`ProScanMotionStatus`).
  case motionStatus
  /// `K`: stops every axis at once and empties the move queue; answers `R`.
  case kill
  /// `RES,s`: the stage's resolution, µm per position unit.
  case stageResolution
  /// `RES,s,r`: sets the stage's resolution to `r` µm; answers `0`.
  case setStageResolution(Double)
  /// `SMS`: the stage's maximum speed, per cent.
  case maximumSpeed
  /// `SMS,n`: sets the maximum speed to `n` per cent (1–100); answers `0`.
  case setMaximumSpeed(Int)
  /// `SAS`: the stage's acceleration, per cent.
  case acceleration
  /// `SAS,n`: sets the acceleration to `n` per cent (1–100); answers `0`.
  case setAcceleration(Int)

  /// The command as sent, without the CR.
  public var text: String {
    switch self {
    case .compatibilityMode: "COMP"
    case .setCompatibilityMode(let on): "COMP,\(on ? 1 : 0)"
    case .moveAbsolute(let x, let y): "G,\(x),\(y)"
    case .moveRelative(let x, let y): "GR,\(x),\(y)"
    case .position: "PS"
    case .setPosition(let x, let y): "PS,\(x),\(y)"
    case .motionStatus: "$"
    case .kill: "K"
    case .stageResolution: "RES,s"
    case .setStageResolution(let value): "RES,s,\(ProScanNumber.text(value))"
    case .maximumSpeed: "SMS"
    case .setMaximumSpeed(let percent): "SMS,\(percent)"
    case .acceleration: "SAS"
    case .setAcceleration(let percent): "SAS,\(percent)"
    }
  }

  /// The bytes on the wire: the text and CR.
  public var encoded: [UInt8] { Array(text.utf8) + [CarriageReturn.byte] }

  /// Whether the controller answers this command only at the end of a move.
  public var isMovement: Bool {
    switch self {
    case .moveAbsolute, .moveRelative: true
    default: false
    }
  }

  public var description: String { text }

  /// The characters that separate a command from its arguments.
  public static let delimiters: Set<Character> = [",", " ", "\t", ";", ":"]

  /// Parses one received line (without CR) as the controller does: an unknown command is
  /// `E,5` (command not found), wrong or unreadable arguments `E,4` (string parse).
  public static func parse(_ line: String) -> Result<ProScanCommand, ProScanErrorCode> {
    let fields = line.split(whereSeparator: { delimiters.contains($0) })
    guard let word = fields.first else { return .failure(.commandNotFound) }
    let arguments = Array(fields.dropFirst())
    func integers(_ count: Int) -> [Int]? {
      guard arguments.count == count else { return nil }
      let values = arguments.compactMap(ProScanNumber.integer)
      return values.count == count ? values : nil
    }
    let parsed: ProScanCommand?
    switch word.uppercased() {
    case "COMP":
      if arguments.isEmpty {
        parsed = .compatibilityMode
      } else if let mode = integers(1), mode[0] == 0 || mode[0] == 1 {
        parsed = .setCompatibilityMode(mode[0] == 1)
      } else {
        parsed = nil
      }
    case "G": parsed = integers(2).map { .moveAbsolute(x: $0[0], y: $0[1]) }
    case "GR": parsed = integers(2).map { .moveRelative(x: $0[0], y: $0[1]) }
    case "PS":
      parsed = arguments.isEmpty ? .position : integers(2).map { .setPosition(x: $0[0], y: $0[1]) }
    case "$": parsed = arguments.isEmpty ? .motionStatus : nil
    case "K": parsed = arguments.isEmpty ? .kill : nil
    case "RES":
      if arguments.count == 1, arguments[0].uppercased() == "S" {
        parsed = .stageResolution
      } else if arguments.count == 2, arguments[0].uppercased() == "S",
        let value = ProScanNumber.decimal(arguments[1])
      {
        parsed = .setStageResolution(value)
      } else {
        parsed = nil
      }
    case "SMS":
      parsed = arguments.isEmpty ? .maximumSpeed : integers(1).map { .setMaximumSpeed($0[0]) }
    case "SAS":
      parsed = arguments.isEmpty ? .acceleration : integers(1).map { .setAcceleration($0[0]) }
    default: return .failure(.commandNotFound)
    }
    guard let parsed else { return .failure(.stringParse) }
    return .success(parsed)
  }
}

/// The line terminator of the ProScan protocol.
enum CarriageReturn {
  static let byte: UInt8 = 0x0D
}
