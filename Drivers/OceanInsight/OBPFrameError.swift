/// Why bytes that looked like an OBP message could not be accepted.
public enum OBPFrameError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The footer was not `C5 C4 C3 C2`: the stream lost sync inside a message.
  case badFooter(messageType: UInt32)
  /// The MD5 in the trailer does not match the header and payload.
  case checksumMismatch(messageType: UInt32)

  public var description: String {
    switch self {
    case .badFooter(let type): return "OBP message 0x\(hex(type)) has a corrupt footer"
    case .checksumMismatch(let type): return "OBP message 0x\(hex(type)) failed its MD5 check"
    }
  }

  private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}
