/// Every host-to-device request the driver and the simulator use.
///
/// PIDs from the DP5 Programmer's Guide request table as listed in Amptek's SDK DP5Protocol.h and
/// ckoern/amptekhardwareinterface packet.h (protocols-detail.md §1.3).
public enum DP5Request: Sendable, Hashable {
  /// 0x01/0x01: the 64-byte status.
  case status
  /// 0x02/0x01–0x04: the spectrum, optionally with the status appended and optionally clearing
  /// the spectrum after it was read.
  case spectrum(withStatus: Bool, clear: Bool)
  /// 0x20/0x02 (saved to non-volatile memory) or 0x20/0x04 (not saved): ASCII `KEY=VALUE;`
  /// commands.
  case textConfiguration(String, persist: Bool)
  /// 0x20/0x03: read back `KEY=?;` commands; answered by 0x82/0x07.
  case textReadback(String)
  /// 0xF0/0x01: clear the spectrum and the status counters.
  case clearSpectrum
  /// 0xF0/0x02: start acquiring (MCA/MCS enable).
  case enableMCA
  /// 0xF0/0x03: stop acquiring.
  case disableMCA
  /// 0xF0/0x21: Ethernet keep-alive that also locks the device to this host ("no sharing").
  case keepAliveNoSharing
  /// 0x03/0x07: the Netfinder packet.
  case netfinder
  /// 0xF1/0x7F: communication test; the device echoes the data in 0x8F/0x7F.
  case echo([UInt8])

  /// The packet that carries this request.
  public var packet: DP5Packet {
    switch self {
    case .status: return DP5Packet(pid1: 0x01, pid2: 0x01)
    case .spectrum(let withStatus, let clear):
      return DP5Packet(pid1: 0x02, pid2: (withStatus ? 0x03 : 0x01) + (clear ? 1 : 0))
    case .textConfiguration(let text, let persist):
      return DP5Packet(pid1: 0x20, pid2: persist ? 0x02 : 0x04, data: Array(text.utf8))
    case .textReadback(let text): return DP5Packet(pid1: 0x20, pid2: 0x03, data: Array(text.utf8))
    case .clearSpectrum: return DP5Packet(pid1: 0xF0, pid2: 0x01)
    case .enableMCA: return DP5Packet(pid1: 0xF0, pid2: 0x02)
    case .disableMCA: return DP5Packet(pid1: 0xF0, pid2: 0x03)
    case .keepAliveNoSharing: return DP5Packet(pid1: 0xF0, pid2: 0x21)
    case .netfinder: return DP5Packet(pid1: 0x03, pid2: 0x07)
    case .echo(let data): return DP5Packet(pid1: 0xF1, pid2: 0x7F, data: data)
    }
  }

  /// The bytes on the wire.
  public var encoded: [UInt8] { packet.encoded }

  /// Device side: the request a packet carries. Throws the error the device answers with:
  /// `.pidError` for an unknown PID pair, `.lengthError` for data where none belongs or too much.
  public init(packet: DP5Packet) throws(DP5DeviceError) {
    let data = packet.data
    guard data.count <= DP5Packet.maximumRequestDataLength else { throw .lengthError }
    func noData(_ request: DP5Request) throws(DP5DeviceError) -> DP5Request {
      guard data.isEmpty else { throw .lengthError }
      return request
    }
    switch (packet.pid1, packet.pid2) {
    case (0x01, 0x01): self = try noData(.status)
    case (0x02, 0x01...0x04):
      let withStatus = packet.pid2 >= 0x03
      let clear = packet.pid2 == 0x02 || packet.pid2 == 0x04
      self = try noData(.spectrum(withStatus: withStatus, clear: clear))
    case (0x20, 0x02), (0x20, 0x04):
      guard !data.isEmpty else { throw .lengthError }
      self = .textConfiguration(String(decoding: data, as: UTF8.self), persist: packet.pid2 == 0x02)
    case (0x20, 0x03):
      guard !data.isEmpty else { throw .lengthError }
      self = .textReadback(String(decoding: data, as: UTF8.self))
    case (0xF0, 0x01): self = try noData(.clearSpectrum)
    case (0xF0, 0x02): self = try noData(.enableMCA)
    case (0xF0, 0x03): self = try noData(.disableMCA)
    case (0xF0, 0x21): self = try noData(.keepAliveNoSharing)
    case (0x03, 0x07): self = try noData(.netfinder)
    case (0xF1, 0x7F): self = .echo(data)
    default: throw .pidError
    }
  }

  /// A short name for logs and errors.
  public var name: String {
    switch self {
    case .status: return "status request"
    case .spectrum(let withStatus, let clear):
      return "spectrum" + (withStatus ? "+status" : "") + (clear ? "+clear" : "") + " request"
    case .textConfiguration: return "text configuration"
    case .textReadback: return "configuration read-back"
    case .clearSpectrum: return "clear spectrum"
    case .enableMCA: return "enable MCA"
    case .disableMCA: return "disable MCA"
    case .keepAliveNoSharing: return "keep-alive"
    case .netfinder: return "Netfinder request"
    case .echo: return "echo request"
    }
  }
}
