/// Why bytes that looked like an OBP message could not be accepted.
public enum OBPFrameError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A plausible header whose message does not end in `C5 C4 C3 C2`: a message torn or corrupted
  /// in transit, or bytes that only looked like a header. `regarding` is the header's tag, so a
  /// session can tell its own reply from someone else's.
  case badFooter(messageType: UInt32, regarding: UInt32)
  /// The MD5 in the trailer does not match the header and payload.
  case checksumMismatch(messageType: UInt32)

  public var description: String {
    switch self {
    case .badFooter(let type, _): return "OBP message 0x\(hex(type)) has a corrupt footer"
    case .checksumMismatch(let type): return "OBP message 0x\(hex(type)) failed its MD5 check"
    }
  }

  private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}
