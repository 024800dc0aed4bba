import WhitlockCore

/// Replies of the legacy OOI command set.
public enum OOIReply {
  /// Why an OOI reply could not be read.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(expected: Int, received: Int)
    case wrongEcho(slot: UInt8, received: [UInt8])
    case unterminatedText(slot: UInt8)
    case notANumber(slot: UInt8, text: String)
    case wrongRegisterEcho(register: UInt8, received: UInt8)

    public var description: String {
      switch self {
      case .wrongLength(let expected, let received):
        return "OOI reply has \(received) bytes, expected \(expected)"
      case .wrongEcho(let slot, let received):
        return "EEPROM slot \(slot) reply starts \(received.prefix(2).map { String($0) }), "
          + "expected [5, \(slot)]"
      case .unterminatedText(let slot): return "EEPROM slot \(slot) text is not NUL-terminated"
      case .notANumber(let slot, let text):
        return "EEPROM slot \(slot) holds \"\(text)\", not a number"
      case .wrongRegisterEcho(let register, let received):
        return "FPGA register reply echoes \(received), expected \(register)"
      }
    }
  }

  /// Text of an EEPROM slot from the 17-byte reply to `queryInformation`: byte 0 echoes 0x05,
  /// byte 1 the slot, then NUL-terminated ASCII (python-seabreeze `features/eeprom.py`).
  public static func slotText(_ reply: [UInt8], slot: UInt8) throws(Failure) -> String {
    guard reply.count == 17 else { throw .wrongLength(expected: 17, received: reply.count) }
    guard reply[0] == 0x05, reply[1] == slot else {
      throw .wrongEcho(slot: slot, received: reply)
    }
    let text = reply[2...]
    guard let end = text.firstIndex(of: 0) else { throw .unterminatedText(slot: slot) }
    return String(decoding: text[..<end], as: UTF8.self)
  }

  /// A number stored as ASCII in an EEPROM slot, e.g. a wavelength coefficient "-1.23e-15".
  public static func slotNumber(_ reply: [UInt8], slot: UInt8) throws(Failure) -> Double {
    let text = try slotText(reply, slot: slot).trimmingSpaces()
    guard let value = Double(text), value.isFinite else {
      throw .notANumber(slot: slot, text: text)
    }
    return value
  }

  /// The value from the 3-byte reply to `readRegister(register)`: the register echoed (a Flame-S
  /// echoes 0xFE instead, python-seabreeze `features/fpga.py`), then the value as u16 LE.
  public static func registerValue(_ reply: [UInt8], register: UInt8) throws(Failure) -> UInt16 {
    guard reply.count == 3 else { throw .wrongLength(expected: 3, received: reply.count) }
    guard reply[0] == register || reply[0] == 0xFE else {
      throw .wrongRegisterEcho(register: register, received: reply[0])
    }
    return LittleEndian.read(UInt16.self, from: reply, at: 1)
  }

  /// FPGA firmware version from register 0x04: major in bits 15…12, minor 11…4, patch 3…0.
  public static func firmwareVersion(_ value: UInt16) -> (major: Int, minor: Int, patch: Int) {
    (Int(value >> 12), Int((value >> 4) & 0xFF), Int(value & 0xF))
  }

  /// The 16-byte reply to `queryStatus` (python-seabreeze unpacks "<HLBBBBBBBBBB").
  public struct Status: Sendable, Equatable {
    /// Pixels the device reads out.
    public var pixelCount: UInt16
    /// Integration time in µs.
    public var integrationMicroseconds: UInt32
    /// Byte 14: 0x80 when the device runs at USB high speed (spectra then come on EP 0x82, and
    /// the 4K models split them over 0x86 and 0x82).
    public var isHighSpeed: Bool

    /// Parses the reply.
    public init(_ reply: [UInt8]) throws(Failure) {
      guard reply.count == 16 else { throw .wrongLength(expected: 16, received: reply.count) }
      pixelCount = LittleEndian.read(UInt16.self, from: reply, at: 0)
      integrationMicroseconds = LittleEndian.read(UInt32.self, from: reply, at: 2)
      isHighSpeed = reply[14] == 0x80
    }
  }
}

extension String {
  func trimmingSpaces() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }
}
