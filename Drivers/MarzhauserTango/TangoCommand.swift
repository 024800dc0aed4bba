/// An instruction line the host sends to a Märzhäuser TANGO controller, and its parsing on the
/// device side (the emulator).
///
/// Protocol facts (Märzhäuser, "TANGO Instruction Set Venus"; the Micro-Manager TANGO adapter by
/// Märzhäuser's F. Dettmar, DeviceAdapters/Marzhauser/Marzhauser.cpp in micro-manager/
/// mmCoreAndDevices, follows it): every instruction and every answer ends with CR; an
/// instruction starts with `!` (do something: no answer) or `?` (ask: one answer line); a lone CR
/// clears the controller's input buffer; `!autostatus 0` stops unsolicited status lines;
/// `!dim 1 1` makes x and y positions µm; `!moa x y` moves to an absolute position, `!mor` by a
/// distance; `?pos` answers the positions separated by spaces; `?statusaxis` one character per
/// axis (`TangoAxisState`); `?err` the number of the last error (`TangoErrorCode`); `!a` stops
/// every axis; `?lim x` the travel limits of one axis, `min max`; `?version` names the
/// controller (`TANGO` in the text).
public enum TangoCommand: Sendable, Equatable, CustomStringConvertible {
  /// A lone CR: clears the controller's input buffer.
  case clearInput
  /// `!autostatus 0|1`.
  case autostatus(Bool)
  /// `?version`.
  case version
  /// `!dim 1 1`: x and y in µm.
  case micrometreUnits
  /// `!moa x y`.
  case moveAbsolute(x: Double, y: Double)
  /// `!mor x y`.
  case moveRelative(x: Double, y: Double)
  /// `?pos`.
  case position
  /// `?statusaxis`.
  case statusAxis
  /// `?err`.
  case lastError
  /// `!a`: stop every axis.
  case abort
  /// `?lim x` (or y, z, a).
  case limits(axis: Character)

  /// The axis letters a TANGO controller knows.
  public static let axisLetters: [Character] = ["x", "y", "z", "a"]

  /// The instruction as sent, without the CR.
  public var text: String {
    switch self {
    case .clearInput: ""
    case .autostatus(let on): "!autostatus \(on ? 1 : 0)"
    case .version: "?version"
    case .micrometreUnits: "!dim 1 1"
    case .moveAbsolute(let x, let y): "!moa \(TangoNumber.text(x)) \(TangoNumber.text(y))"
    case .moveRelative(let x, let y): "!mor \(TangoNumber.text(x)) \(TangoNumber.text(y))"
    case .position: "?pos"
    case .statusAxis: "?statusaxis"
    case .lastError: "?err"
    case .abort: "!a"
    case .limits(let axis): "?lim \(axis)"
    }
  }

  /// The bytes on the wire: the text and CR.
  public var encoded: [UInt8] { Array(text.utf8) + [0x0D] }

  /// Whether the controller answers with one line (`?` instructions).
  public var expectsAnswer: Bool { text.hasPrefix("?") }

  public var description: String { text.isEmpty ? "CR" : text }

  /// Parses one received line (without CR) as the controller does; a refusal is the error
  /// number `?err` will report (`!` or `?` missing: 7, unknown instruction: 4, wrong number
  /// of parameters or an unreadable number: 6, an unknown axis letter: 1).
  public static func parse(_ line: String) -> Result<TangoCommand, TangoErrorCode> {
    if line.isEmpty { return .success(.clearInput) }
    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
    guard let first = fields.first, let prefix = first.first, prefix == "!" || prefix == "?" else {
      return .failure(.prefixMissing)
    }
    let word = first.dropFirst().lowercased()
    let arguments = fields.dropFirst().map { $0 }
    let asks = prefix == "?"
    func numbers() -> (Double, Double)? {
      guard arguments.count == 2, let x = TangoNumber.decimal(arguments[0]),
        let y = TangoNumber.decimal(arguments[1])
      else { return nil }
      return (x, y)
    }
    let known: Set<String> = [
      "autostatus", "version", "dim", "moa", "mor", "pos", "statusaxis", "err", "a", "lim",
    ]
    guard known.contains(word) else { return .failure(.invalidInstruction) }
    let asking: Set<String> = ["version", "pos", "statusaxis", "err", "lim"]
    guard asking.contains(word) == asks else { return .failure(.prefixMissing) }
    switch word {
    case "autostatus":
      guard arguments.count == 1, arguments[0] == "0" || arguments[0] == "1" else {
        return .failure(.wrongNumberOfParameters)
      }
      return .success(.autostatus(arguments[0] == "1"))
    case "dim":
      guard arguments == ["1", "1"] else { return .failure(.wrongNumberOfParameters) }
      return .success(.micrometreUnits)
    case "moa", "mor":
      guard let (x, y) = numbers() else { return .failure(.wrongNumberOfParameters) }
      return .success(word == "moa" ? .moveAbsolute(x: x, y: y) : .moveRelative(x: x, y: y))
    case "lim":
      guard arguments.count == 1 else { return .failure(.wrongNumberOfParameters) }
      guard arguments[0].count == 1, let axis = arguments[0].first, axisLetters.contains(axis)
      else {
        return .failure(.noValidAxisName)
      }
      return .success(.limits(axis: axis))
    default:
      guard arguments.isEmpty else { return .failure(.wrongNumberOfParameters) }
      switch word {
      case "version": return .success(.version)
      case "pos": return .success(.position)
      case "statusaxis": return .success(.statusAxis)
      case "err": return .success(.lastError)
      default: return .success(.abort)
      }
    }
  }
}
