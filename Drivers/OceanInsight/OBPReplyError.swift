import WhitlockCore

/// A well-formed OBP reply that says the request failed, or a reply that answers something else.
public enum OBPReplyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The device refused the request (NACK flag) for the given reason.
  case refused(messageType: UInt32, OBPErrorCode)
  /// The device reported a hardware exception.
  case hardwareException(messageType: UInt32, OBPErrorCode)
  /// The device says this protocol version is deprecated.
  case protocolDeprecated(messageType: UInt32)
  /// The reply payload does not have the size the message type needs.
  case payloadSize(messageType: UInt32, expected: Int, received: Int)

  /// Checks `reply`'s flags and error number; returns it when it reports success.
  public static func check(_ reply: OBPMessage) throws(OBPReplyError) -> OBPMessage {
    if reply.flags.contains(.nack) {
      throw .refused(messageType: reply.messageType, reply.error)
    }
    if reply.flags.contains(.hardwareException) {
      throw .hardwareException(messageType: reply.messageType, reply.error)
    }
    if reply.flags.contains(.protocolDeprecated) {
      throw .protocolDeprecated(messageType: reply.messageType)
    }
    return reply
  }

  public var description: String {
    switch self {
    case .refused(let type, let code):
      return "device refused OBP message 0x\(String(type, radix: 16)): \(code)"
    case .hardwareException(let type, let code):
      return "hardware exception on OBP message 0x\(String(type, radix: 16)): \(code)"
    case .protocolDeprecated(let type):
      return "device reports OBP version 0x1100 deprecated (message 0x\(String(type, radix: 16)))"
    case .payloadSize(let type, let expected, let received):
      return
        "OBP reply 0x\(String(type, radix: 16)) carried \(received) bytes, expected \(expected)"
    }
  }

  /// The same failure as an `InstrumentError` for the daemon.
  public var instrumentError: InstrumentError {
    switch self {
    case .refused, .hardwareException, .protocolDeprecated:
      return InstrumentError(.deviceRejected, description)
    case .payloadSize: return InstrumentError(.protocolViolation, description)
    }
  }
}
