/// One DP5 protocol packet: the same framing travels over USB, RS-232 and UDP.
///
/// Layout (DP5 Programmer's Guide §"Packet format"; protocols-detail.md §1.2): sync `F5 FA`, PID1,
/// PID2, a big-endian 16-bit data length, the data, and a big-endian 16-bit checksum that is the
/// two's complement of the 16-bit sum of every byte before it.
public struct DP5Packet: Sendable, Hashable, CustomStringConvertible {
  /// First sync byte.
  public static let sync1: UInt8 = 0xF5
  /// Second sync byte.
  public static let sync2: UInt8 = 0xFA
  /// Header bytes before the data: sync (2), PID1, PID2, LEN (2).
  public static let headerLength = 6
  /// Bytes a packet adds around its data: header plus the 2-byte checksum.
  public static let overhead = 8
  /// Largest data field of a request the device accepts (Programmer's Guide: 512 bytes).
  public static let maximumRequestDataLength = 512
  /// Largest data field of a response: 8192 channels × 3 bytes + 64-byte status
  /// (Amptek SDK DP5Protocol.h: "24648 == largest possible IN packet", i.e. 24640 + 8).
  public static let maximumResponseDataLength = 8192 * 3 + 64

  /// Packet group.
  public var pid1: UInt8
  /// Sub-type within the group.
  public var pid2: UInt8
  /// The data field (may be empty).
  public var data: [UInt8]

  /// Creates a packet from its two packet ids and data.
  public init(pid1: UInt8, pid2: UInt8, data: [UInt8] = []) {
    self.pid1 = pid1
    self.pid2 = pid2
    self.data = data
  }

  /// The 16-bit checksum that completes `bytes` (header and data): two's complement of their sum.
  public static func checksum<Bytes: Sequence>(of bytes: Bytes) -> UInt16
  where Bytes.Element == UInt8 {
    var sum: UInt16 = 0
    for byte in bytes { sum &+= UInt16(byte) }
    return 0 &- sum
  }

  /// The packet as it goes on the wire. The data must be shorter than 65536 bytes.
  public var encoded: [UInt8] {
    precondition(data.count <= 0xFFFF, "DP5 packet data is limited to 65535 bytes")
    var bytes: [UInt8] = []
    bytes.reserveCapacity(data.count + Self.overhead)
    bytes.append(contentsOf: [
      Self.sync1, Self.sync2, pid1, pid2, UInt8(data.count >> 8), UInt8(data.count & 0xFF),
    ])
    bytes.append(contentsOf: data)
    let checksum = Self.checksum(of: bytes)
    bytes.append(UInt8(checksum >> 8))
    bytes.append(UInt8(checksum & 0xFF))
    return bytes
  }

  /// `PID1/PID2 (N bytes)`, in hex, for logs and errors.
  public var description: String {
    "\(DP5Hex.byte(pid1))/\(DP5Hex.byte(pid2)) (\(data.count) bytes)"
  }
}

/// Hex formatting for protocol messages.
enum DP5Hex {
  static func byte(_ value: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(value >> 4)], digits[Int(value & 0x0F)]])
  }

  static func bytes(_ values: some Sequence<UInt8>) -> String {
    values.map(byte).joined(separator: " ")
  }
}
