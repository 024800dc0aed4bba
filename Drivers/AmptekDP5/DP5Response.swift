/// Every device-to-host packet the codec decodes (protocols-detail.md §1.4 and §1.7).
public enum DP5Response: Sendable, Hashable {
  /// 0x80/0x01: status.
  case status(DP5Status)
  /// 0x81/0x01–0x0C: spectrum, with the status for even PID2.
  case spectrum(DP5Spectrum)
  /// 0x82/0x07: configuration read-back, ASCII `KEY=VALUE;…`.
  case configurationReadback(String)
  /// 0x8F/0x7F: echo of a communication test.
  case echo([UInt8])
  /// 0xFF/code: acknowledgement; success codes 0x00, 0x0C, 0x0F.
  case acknowledgement(code: UInt8, data: [UInt8])

  /// An OK acknowledgement (`F5 FA FF 00 00 00 FD 12`).
  public static let ok = DP5Response.acknowledgement(code: DP5AckCode.ok.rawValue, data: [])

  /// The acknowledgement a device sends for `error`.
  public static func rejection(_ error: DP5DeviceError) -> DP5Response {
    let (code, data) = error.acknowledgement
    return .acknowledgement(code: code, data: data)
  }

  /// Host side: decodes a response packet.
  public init(packet: DP5Packet) throws(DP5ProtocolError) {
    switch packet.pid1 {
    case 0x80 where packet.pid2 == 0x01:
      self = .status(try DP5Status(bytes: packet.data))
    case 0x81:
      self = .spectrum(try DP5Spectrum(pid2: packet.pid2, data: packet.data))
    case 0x82 where packet.pid2 == 0x07:
      self = .configurationReadback(String(decoding: packet.data, as: UTF8.self))
    case 0x8F where packet.pid2 == 0x7F:
      self = .echo(packet.data)
    case 0xFF:
      self = .acknowledgement(code: packet.pid2, data: packet.data)
    default:
      throw .unknownPacket(pid1: packet.pid1, pid2: packet.pid2)
    }
  }

  /// Device side: the packet for this response. A spectrum whose channel count the protocol
  /// cannot carry is a programming error.
  public var packet: DP5Packet {
    switch self {
    case .status(let status): return DP5Packet(pid1: 0x80, pid2: 0x01, data: status.encoded)
    case .spectrum(let spectrum):
      guard let packet = spectrum.packet else {
        preconditionFailure("a DP5 spectrum has 256–8192 channels, not \(spectrum.counts.count)")
      }
      return packet
    case .configurationReadback(let text):
      return DP5Packet(pid1: 0x82, pid2: 0x07, data: Array(text.utf8))
    case .echo(let data): return DP5Packet(pid1: 0x8F, pid2: 0x7F, data: data)
    case .acknowledgement(let code, let data): return DP5Packet(pid1: 0xFF, pid2: code, data: data)
    }
  }

  /// The bytes on the wire.
  public var encoded: [UInt8] { packet.encoded }

  /// A short name for logs and errors.
  public var name: String {
    switch self {
    case .status: return "status"
    case .spectrum(let spectrum):
      return "\(spectrum.counts.count)-channel spectrum" + (spectrum.status == nil ? "" : "+status")
    case .configurationReadback: return "configuration read-back"
    case .echo: return "echo"
    case .acknowledgement(let code, _):
      if let error = DP5DeviceError(ackCode: code, data: []) { return "error ACK (\(error))" }
      return "ACK"
    }
  }

  /// Whether a response packet with these PIDs may carry `length` data bytes. The stream decoder
  /// uses it to reject false sync matches in garbage without waiting for bytes that never come.
  public static func plausibleLength(pid1: UInt8, pid2: UInt8, length: Int) -> Bool {
    switch pid1 {
    case 0x80: return pid2 == 0x01 && length == DP5Status.byteCount
    case 0x81:
      guard let (channels, withStatus) = DP5Spectrum.layout(pid2: pid2) else { return false }
      return length == channels * 3 + (withStatus ? DP5Status.byteCount : 0)
    case 0x82, 0x83, 0x8F, 0xFF: return length <= DP5Packet.maximumRequestDataLength * 2
    default: return false
    }
  }

  /// Whether a request packet with these PIDs may carry `length` data bytes (device side).
  public static func plausibleRequestLength(pid1: UInt8, pid2: UInt8, length: Int) -> Bool {
    length <= DP5Packet.maximumRequestDataLength
  }
}
