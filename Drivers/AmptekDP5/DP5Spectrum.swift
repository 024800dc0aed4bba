/// A multichannel-analyser spectrum: counts per channel, with the status when it was requested.
///
/// On the wire (protocols-detail.md §1.4, Amptek SDK ConsoleHelper.cpp `ProcessSpectrumEx`): each
/// channel is 3 bytes, least significant first; response PID2 `1…12` encodes the channel count as
/// 256 << ((PID2 − 1) >> 1), odd = spectrum only, even = spectrum followed by the 64-byte status.
public struct DP5Spectrum: Sendable, Hashable {
  /// The channel counts the protocol can carry.
  public static let channelCounts = [256, 512, 1024, 2048, 4096, 8192]
  /// The largest count a channel can hold (24 bits).
  public static let fullScale: UInt32 = 0xFF_FFFF

  /// Counts per channel, channel 0 first.
  public var counts: [UInt32]
  /// The status sampled with the spectrum, if requested.
  public var status: DP5Status?

  /// Creates a spectrum; `counts.count` must be one of `channelCounts` to be encodable.
  public init(counts: [UInt32], status: DP5Status? = nil) {
    self.counts = counts
    self.status = status
  }

  /// The response PID2 for `channels` channels, with or without status; `nil` for an invalid count.
  public static func responsePID2(channels: Int, withStatus: Bool) -> UInt8? {
    guard let index = channelCounts.firstIndex(of: channels) else { return nil }
    return UInt8(index * 2 + 1) + (withStatus ? 1 : 0)
  }

  /// The channel count and status flag a response PID2 stands for; `nil` outside 1…12.
  public static func layout(pid2: UInt8) -> (channels: Int, withStatus: Bool)? {
    guard (1...12).contains(pid2) else { return nil }
    return (256 << ((Int(pid2) - 1) >> 1), pid2 % 2 == 0)
  }

  /// Decodes a spectrum response's data field for response PID2 `pid2`.
  public init(pid2: UInt8, data: [UInt8]) throws(DP5ProtocolError) {
    guard let (channels, withStatus) = Self.layout(pid2: pid2) else {
      throw .unknownPacket(pid1: 0x81, pid2: pid2)
    }
    let expected = channels * 3 + (withStatus ? DP5Status.byteCount : 0)
    guard data.count == expected else {
      throw .malformed(
        "spectrum 81/\(DP5Hex.byte(pid2)) must carry \(expected) bytes, got \(data.count)")
    }
    var counts = [UInt32](repeating: 0, count: channels)
    data.withUnsafeBufferPointer { bytes in
      for channel in 0..<channels {
        let at = channel * 3
        counts[channel] =
          UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
      }
    }
    self.counts = counts
    self.status = withStatus ? try DP5Status(bytes: data[(channels * 3)...]) : nil
  }

  /// The response packet a device sends for this spectrum; counts above 24 bits clip at full
  /// scale. Returns `nil` when the channel count is not one the protocol carries.
  public var packet: DP5Packet? {
    guard let pid2 = Self.responsePID2(channels: counts.count, withStatus: status != nil) else {
      return nil
    }
    var data = [UInt8]()
    data.reserveCapacity(counts.count * 3 + (status == nil ? 0 : DP5Status.byteCount))
    for count in counts {
      let clipped = min(count, Self.fullScale)
      data.append(UInt8(clipped & 0xFF))
      data.append(UInt8((clipped >> 8) & 0xFF))
      data.append(UInt8(clipped >> 16))
    }
    if let status { data.append(contentsOf: status.encoded) }
    return DP5Packet(pid1: 0x81, pid2: pid2, data: data)
  }
}
