/// The flags word of an OBP header (offset 4, u16 LE).
///
/// Bit meanings from python-seabreeze 2.11.0 `pyseabreeze/protocol.py` (`_OBP.FLAG_*`).
public struct OBPFlags: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// The message answers a request.
  public static let responseToRequest = OBPFlags(rawValue: 0x0001)
  /// The device acknowledges a command.
  public static let ack = OBPFlags(rawValue: 0x0002)
  /// The host asks the device to acknowledge this command.
  public static let ackRequested = OBPFlags(rawValue: 0x0004)
  /// The device refuses the message; the error code says why.
  public static let nack = OBPFlags(rawValue: 0x0008)
  /// The device hit a hardware exception; the error code says which.
  public static let hardwareException = OBPFlags(rawValue: 0x0010)
  /// The protocol version of the request is deprecated.
  public static let protocolDeprecated = OBPFlags(rawValue: 0x0020)
}
