import WhitlockCore

/// One Ocean Binary Protocol message: 44-byte header, optional payload, 16-byte checksum, footer.
///
/// Layout from python-seabreeze 2.11.0 `pyseabreeze/protocol.py` (`_OBP.HEADER_FMT`,
/// `_construct_outgoing_message`): start bytes `C1 C0`, protocol version u16, flags u16, error
/// u16, message type u32, regarding u32, 6 reserved bytes, checksum type u8, immediate length u8,
/// 16 immediate bytes, bytes remaining u32 (= payload + 20); then the payload when longer than 16
/// bytes, the checksum (MD5 of everything before it, or zeros) and the footer `C5 C4 C3 C2`.
public struct OBPMessage: Sendable, Equatable {
  /// Header size in bytes.
  public static let headerLength = 44
  /// Checksum plus footer size in bytes.
  public static let trailerLength = 20
  /// The smallest message: header, checksum and footer.
  public static let minimumLength = 64
  /// The start bytes as they appear on the wire (u16 LE 0xC0C1).
  public static let startBytes: [UInt8] = [0xC1, 0xC0]
  /// The footer as it appears on the wire (u32 LE 0xC2C3C4C5).
  public static let footerBytes: [UInt8] = [0xC5, 0xC4, 0xC3, 0xC2]
  /// OBP protocol version 0x1100 (OBP2 devices use 0x2000).
  public static let protocolVersion1100: UInt16 = 0x1100

  /// The checksum carried in the trailer.
  public enum ChecksumType: UInt8, Sendable {
    /// Sixteen zero bytes.
    case none = 0
    /// MD5 of header and payload.
    case md5 = 1
  }

  public var protocolVersion: UInt16
  public var flags: OBPFlags
  /// The raw error number; see `error`.
  public var errorNumber: UInt16
  public var messageType: UInt32
  /// A tag the host chooses and the device echoes in its reply.
  public var regarding: UInt32
  public var checksumType: ChecksumType
  /// The payload, whether it travels in the immediate field (≤ 16 bytes) or after the header.
  public var payload: [UInt8]

  /// A message; payloads of up to 16 bytes go in the immediate field, as python-seabreeze does.
  public init(
    messageType: UInt32, payload: [UInt8] = [], flags: OBPFlags = [], errorNumber: UInt16 = 0,
    regarding: UInt32 = 0, checksumType: ChecksumType = .none,
    protocolVersion: UInt16 = OBPMessage.protocolVersion1100
  ) {
    self.protocolVersion = protocolVersion
    self.flags = flags
    self.errorNumber = errorNumber
    self.messageType = messageType
    self.regarding = regarding
    self.checksumType = checksumType
    self.payload = payload
  }

  /// The error number as a typed code.
  public var error: OBPErrorCode { OBPErrorCode(rawValue: errorNumber) }

  /// The complete message as bytes on the wire.
  public func encoded() -> [UInt8] {
    let immediate = payload.count <= 16
    var bytes: [UInt8] = Self.startBytes
    bytes.reserveCapacity(Self.minimumLength + (immediate ? 0 : payload.count))
    LittleEndian.append(protocolVersion, to: &bytes)
    LittleEndian.append(flags.rawValue, to: &bytes)
    LittleEndian.append(errorNumber, to: &bytes)
    LittleEndian.append(messageType, to: &bytes)
    LittleEndian.append(regarding, to: &bytes)
    bytes.append(contentsOf: repeatElement(0, count: 6))
    bytes.append(checksumType.rawValue)
    bytes.append(immediate ? UInt8(payload.count) : 0)
    if immediate {
      bytes.append(contentsOf: payload)
      bytes.append(contentsOf: repeatElement(0, count: 16 - payload.count))
      LittleEndian.append(UInt32(Self.trailerLength), to: &bytes)
    } else {
      bytes.append(contentsOf: repeatElement(0, count: 16))
      LittleEndian.append(UInt32(payload.count + Self.trailerLength), to: &bytes)
      bytes.append(contentsOf: payload)
    }
    switch checksumType {
    case .none: bytes.append(contentsOf: repeatElement(0, count: 16))
    case .md5: bytes.append(contentsOf: MD5.digest(bytes))
    }
    bytes.append(contentsOf: Self.footerBytes)
    return bytes
  }
}
