import Simulation
import WhitlockCore

/// The byte form of the bridge between the umockdev testbed and a device emulation: pure, no
/// I/O, so both directions are unit-tested from byte tables. All integers are little-endian.
///
/// Requests: `S` id:u32 type:u8 endpoint:u8 length:u32 size:u32 bytes · `D` id:u32 ·
/// `H` endpoint:u8 · `X`. Replies: `C` id:u32 status:i32 actual:u32 size:u32 bytes ·
/// `d` id:u32 cancelled:u8.
public struct USBBridgeDecoder: Sendable {
  /// A request the decoder cannot read: the stream is out of step and must be closed.
  public struct Malformed: Error, Equatable, CustomStringConvertible {
    /// The first byte of the message.
    public var kind: UInt8
    /// Why.
    public var reason: String
    public var description: String {
      "bridge message 0x\(String(kind, radix: 16)): \(reason)"
    }
  }

  /// Longest payload accepted: larger than any URB libusb sends without scatter-gather.
  public static let maximumPayload = 1 << 24
  private var buffer: [UInt8] = []
  private var start = 0

  public init() {}

  /// Adds bytes read from the testbed.
  public mutating func append(_ bytes: some Sequence<UInt8>) {
    buffer.append(contentsOf: bytes)
  }

  /// The next whole request, `nil` when more bytes are needed.
  public mutating func next() throws(Malformed) -> USBBridgeRequest? {
    guard start < buffer.count else { return nil }
    let kind = buffer[start]
    let available = buffer.count - start
    let request: USBBridgeRequest
    let used: Int
    switch kind {
    case UInt8(ascii: "S"):
      guard available >= 15 else { return nil }
      let size = Int(u32(at: start + 11))
      guard size <= Self.maximumPayload else {
        throw Malformed(kind: kind, reason: "payload of \(size) bytes")
      }
      guard available >= 15 + size else { return nil }
      guard let type = USBTransferType(rawValue: buffer[start + 5]) else {
        throw Malformed(kind: kind, reason: "URB type \(buffer[start + 5])")
      }
      request = .submit(
        id: u32(at: start + 1), type: type, endpoint: buffer[start + 6],
        length: Int(u32(at: start + 7)),
        bytes: Array(buffer[(start + 15)..<(start + 15 + size)]))
      used = 15 + size
    case UInt8(ascii: "D"):
      guard available >= 5 else { return nil }
      request = .discard(id: u32(at: start + 1))
      used = 5
    case UInt8(ascii: "H"):
      guard available >= 2 else { return nil }
      request = .clearHalt(endpoint: buffer[start + 1])
      used = 2
    case UInt8(ascii: "X"):
      request = .clientGone
      used = 1
    default:
      throw Malformed(kind: kind, reason: "unknown message")
    }
    start += used
    if start > 65536 && start * 2 > buffer.count {
      buffer.removeFirst(start)
      start = 0
    }
    return request
  }

  private func u32(at offset: Int) -> UInt32 {
    LittleEndian.read(UInt32.self, from: buffer, at: offset)
  }
}

extension USBBridgeRequest {
  /// The request's bytes, as the testbed writes them.
  public var encoded: [UInt8] {
    switch self {
    case .submit(let id, let type, let endpoint, let length, let bytes):
      return [UInt8(ascii: "S")] + le(id) + [type.rawValue, endpoint] + le(UInt32(length))
        + le(UInt32(bytes.count)) + bytes
    case .discard(let id):
      return [UInt8(ascii: "D")] + le(id)
    case .clearHalt(let endpoint):
      return [UInt8(ascii: "H"), endpoint]
    case .clientGone:
      return [UInt8(ascii: "X")]
    }
  }
}

extension USBBridgeReply {
  /// The reply's bytes, as the emulation writes them.
  public var encoded: [UInt8] {
    switch self {
    case .completion(let id, let status, let actual, let bytes):
      return [UInt8(ascii: "C")] + le(id) + le(UInt32(bitPattern: status)) + le(UInt32(actual))
        + le(UInt32(bytes.count)) + bytes
    case .discardAnswer(let id, let cancelled):
      return [UInt8(ascii: "d")] + le(id) + [cancelled ? 1 : 0]
    }
  }
}

private func le(_ value: UInt32) -> [UInt8] {
  [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
}
