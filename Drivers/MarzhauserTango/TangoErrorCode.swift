/// The number a Märzhäuser TANGO controller answers to `?err`: 0 when the last instruction was
/// carried out, else why it was not.
///
/// Numbers and meanings from Märzhäuser's "TANGO Instruction Set Venus" description
/// (180801_TANGO_Instruction_Set_Venus_en, pages: pdffox.com/tango-instruction-set-venus-pdf-free.html)
/// as public TANGO drivers decode them (the Micro-Manager TANGO adapter written at Märzhäuser
/// reads `?err` after every move; the error tables of open TANGO drivers list the same texts).
/// Numbers not in the table are kept as they came.
public struct TangoErrorCode: RawRepresentable, Error, Sendable, Hashable, CustomStringConvertible {
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let none = Self(rawValue: 0)
  public static let noValidAxisName = Self(rawValue: 1)
  public static let noExecutableInstruction = Self(rawValue: 2)
  public static let tooManyCharacters = Self(rawValue: 3)
  public static let invalidInstruction = Self(rawValue: 4)
  public static let numberOutOfRange = Self(rawValue: 5)
  public static let wrongNumberOfParameters = Self(rawValue: 6)
  public static let prefixMissing = Self(rawValue: 7)
  public static let limitSwitchActive = Self(rawValue: 12)
  public static let emergencyStop = Self(rawValue: 27)
  public static let targetOutsideLimit = Self(rawValue: 32)

  /// The documented meaning, or "unknown error".
  public var meaning: String {
    switch rawValue {
    case 0: "no error"
    case 1: "no valid axis name"
    case 2: "no executable instruction"
    case 3: "too many characters in command line"
    case 4: "invalid instruction"
    case 5: "number is not inside allowed range"
    case 6: "wrong number of parameters"
    case 7: "either ! or ? is missing"
    case 8: "no TVR possible while axis active"
    case 9: "no ON or OFF of axis possible while TVR active"
    case 10: "function not configured"
    case 11: "no move instruction possible while joystick enabled"
    case 12: "limit switch active"
    case 13: "function not executable because encoder detected"
    case 14: "error while calibrating (limit switch could not be released)"
    case 21: "multiple axis moves are forbidden"
    case 22: "automatic or manual move is not allowed"
    case 27: "emergency STOP is active"
    case 29: "servo amplifiers are disabled"
    case 30: "safety circuit out of order"
    case 32: "move discarded, target outside limit"
    default: "unknown error"
    }
  }

  /// `n (meaning)`.
  public var description: String { "\(rawValue) (\(meaning))" }
}
