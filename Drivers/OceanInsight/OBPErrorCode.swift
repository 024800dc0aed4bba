/// The error number of an OBP header (offset 6, u16 LE), one case per documented code.
///
/// Codes and meanings from python-seabreeze 2.11.0 `pyseabreeze/protocol.py` (`_OBP.ERROR_CODES`).
public enum OBPErrorCode: Sendable, Hashable, CustomStringConvertible {
  case success
  case invalidProtocol
  case unknownMessageType
  case badChecksum
  case messageTooLarge
  case payloadLengthMismatch
  case payloadInvalid
  case deviceNotReady
  case unknownChecksumType
  case deviceResetUnexpectedly
  case tooManyBuses
  case outOfMemory
  case informationMissing
  case internalDeviceError
  case decryptionFailed
  case firmwareLayoutInvalid
  case dataPacketWrongSize
  case hardwareRevisionIncompatible
  case flashMapIncompatible
  case deferred
  /// A code the sources do not list.
  case unlisted(UInt16)

  private static let table: [(UInt16, OBPErrorCode, String)] = [
    (0, .success, "success"),
    (1, .invalidProtocol, "invalid or unsupported protocol"),
    (2, .unknownMessageType, "unknown message type"),
    (3, .badChecksum, "bad checksum"),
    (4, .messageTooLarge, "message too large"),
    (5, .payloadLengthMismatch, "payload length does not match message type"),
    (6, .payloadInvalid, "payload data invalid"),
    (7, .deviceNotReady, "device not ready for this message type"),
    (8, .unknownChecksumType, "unknown checksum type"),
    (9, .deviceResetUnexpectedly, "device reset unexpectedly"),
    (10, .tooManyBuses, "too many buses (commands came from too many interfaces)"),
    (11, .outOfMemory, "device out of memory"),
    (12, .informationMissing, "command valid but the information does not exist"),
    (13, .internalDeviceError, "internal device error (may be unrecoverable)"),
    (100, .decryptionFailed, "could not decrypt"),
    (101, .firmwareLayoutInvalid, "firmware layout invalid"),
    (102, .dataPacketWrongSize, "data packet has the wrong size"),
    (103, .hardwareRevisionIncompatible, "hardware revision not compatible with firmware"),
    (104, .flashMapIncompatible, "existing flash map not compatible with firmware"),
    (255, .deferred, "operation deferred (response will follow)"),
  ]

  /// The case for a wire value; unknown values become `.unlisted`.
  public init(rawValue: UInt16) {
    self = Self.table.first { $0.0 == rawValue }?.1 ?? .unlisted(rawValue)
  }

  /// The wire value.
  public var rawValue: UInt16 {
    if case .unlisted(let value) = self { return value }
    return Self.table.first { $0.1 == self }!.0
  }

  /// The meaning in words, with the number.
  public var description: String {
    if case .unlisted(let value) = self { return "unlisted OBP error \(value)" }
    let text = Self.table.first { $0.1 == self }!.2
    return "\(text) (OBP error \(rawValue))"
  }
}
