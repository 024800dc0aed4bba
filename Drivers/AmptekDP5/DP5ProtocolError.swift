import WhitlockCore

/// A reply that does not follow the protocol: wrong length, wrong type, undecodable content.
public enum DP5ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The packet's content cannot be decoded.
  case malformed(String)
  /// A packet type this codec does not know.
  case unknownPacket(pid1: UInt8, pid2: UInt8)
  /// A valid packet, but not the reply the request asks for.
  case unexpectedReply(expected: String, received: String)
  /// A frame whose checksum did not match; the reply was corrupted on the line.
  case checksumMismatch(pid1: UInt8, pid2: UInt8, received: UInt16, computed: UInt16)

  /// What went wrong.
  public var description: String {
    switch self {
    case .malformed(let detail): return "malformed DP5 packet: \(detail)"
    case .unknownPacket(let pid1, let pid2):
      return "unknown DP5 packet \(DP5Hex.byte(pid1))/\(DP5Hex.byte(pid2))"
    case .unexpectedReply(let expected, let received):
      return "expected \(expected) from the device, received \(received)"
    case .checksumMismatch(let pid1, let pid2, let received, let computed):
      return
        "corrupted DP5 reply \(DP5Hex.byte(pid1))/\(DP5Hex.byte(pid2)): checksum "
        + "\(DP5Hex.byte(UInt8(received >> 8)))\(DP5Hex.byte(UInt8(received & 0xFF))), expected "
        + "\(DP5Hex.byte(UInt8(computed >> 8)))\(DP5Hex.byte(UInt8(computed & 0xFF)))"
    }
  }

  /// The error as the daemon reports it.
  public var instrumentError: InstrumentError {
    InstrumentError(.protocolViolation, description)
  }
}
