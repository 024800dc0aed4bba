/// An error number a ProScan controller sends as `E,n<CR>` in place of a reply.
///
/// Numbers and meanings as Prior's ProScan III manual lists them (section 4, "Software commands"),
/// the names as open ProScan drivers reproduce that table; Micro-Manager's Prior adapter reads
/// `E,n` the same way (the number after `E,`). Numbers not in the table are kept as they came.
public struct ProScanErrorCode: RawRepresentable, Error, Sendable, Hashable, CustomStringConvertible
{
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let noStage = Self(rawValue: 1)
  public static let notIdle = Self(rawValue: 2)
  public static let noDrive = Self(rawValue: 3)
  public static let stringParse = Self(rawValue: 4)
  public static let commandNotFound = Self(rawValue: 5)
  public static let invalidShutter = Self(rawValue: 6)
  public static let noFocus = Self(rawValue: 7)
  public static let valueOutOfRange = Self(rawValue: 8)
  public static let invalidWheel = Self(rawValue: 9)
  public static let argument1OutOfRange = Self(rawValue: 10)
  public static let argument2OutOfRange = Self(rawValue: 11)
  public static let argument3OutOfRange = Self(rawValue: 12)
  public static let argument4OutOfRange = Self(rawValue: 13)
  public static let argument5OutOfRange = Self(rawValue: 14)
  public static let argument6OutOfRange = Self(rawValue: 15)
  public static let incorrectState = Self(rawValue: 16)
  public static let wheelNotFitted = Self(rawValue: 17)
  public static let queueFull = Self(rawValue: 18)
  public static let compatibilityModeSet = Self(rawValue: 19)
  public static let shutterNotFitted = Self(rawValue: 20)
  public static let invalidChecksum = Self(rawValue: 21)
  public static let encoderError = Self(rawValue: 60)
  public static let encoderRunOff = Self(rawValue: 61)

  /// The manual's name for the error, or "unknown error" for a number it does not list.
  public var meaning: String {
    switch rawValue {
    case 1: "NO STAGE"
    case 2: "NOT IDLE"
    case 3: "NO DRIVE"
    case 4: "STRING PARSE"
    case 5: "COMMAND NOT FOUND"
    case 6: "INVALID SHUTTER"
    case 7: "NO FOCUS"
    case 8: "VALUE OUT OF RANGE"
    case 9: "INVALID WHEEL"
    case 10...15: "ARG\(rawValue - 9) OUT OF RANGE"
    case 16: "INCORRECT STATE"
    case 17: "WHEEL NOT FITTED"
    case 18: "QUEUE FULL"
    case 19: "COMPATIBILITY MODE SET"
    case 20: "SHUTTER NOT FITTED"
    case 21: "INVALID CHECKSUM"
    case 60: "ENCODER ERROR"
    case 61: "ENCODER RUN OFF"
    default: "unknown error"
    }
  }

  /// `E,n (MEANING)`.
  public var description: String { "E,\(rawValue) (\(meaning))" }
}
