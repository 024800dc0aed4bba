/// Finds DP5 packets in a byte stream that may hold garbage, partial packets or corrupted ones.
///
/// Feed bytes as they arrive with `append(_:)` and take frames with `next()`. Bytes before a
/// sync pair, or sync pairs whose PID and length cannot belong to a packet of the expected
/// direction, are skipped one at a time and reported with the next frame, so a false `F5 FA`
/// inside garbage never makes the decoder wait for data that will not come. A frame whose
/// checksum fails is reported as corrupted and dropped whole.
public struct DP5StreamDecoder: Sendable {
  /// Which side's packets are expected: the host decodes responses, a device decodes requests.
  public enum Direction: Sendable {
    /// Device-to-host packets (status, spectrum, read-back, echo, ACK).
    case responses
    /// Host-to-device packets (at most 512 data bytes).
    case requests
  }

  /// One decoded frame.
  public struct Frame: Sendable, Equatable {
    /// Garbage bytes discarded since the previous frame.
    public var skippedBytes: Int
    /// The packet, or why the frame was rejected.
    public var content: Result<DP5Packet, DP5ProtocolError>
  }

  /// The expected direction.
  public let direction: Direction
  private var buffer: [UInt8] = []
  private var start = 0
  /// Garbage bytes discarded that no frame has reported yet.
  public private(set) var pendingSkippedBytes = 0
  /// Garbage bytes discarded since the decoder was created.
  public private(set) var totalSkippedBytes = 0

  /// A decoder for packets travelling in `direction`.
  public init(direction: Direction) {
    self.direction = direction
  }

  /// Bytes received but not yet consumed by a frame.
  public var bufferedByteCount: Int { buffer.count - start }

  /// Adds received bytes.
  public mutating func append(_ bytes: some Sequence<UInt8>) {
    if start > 0, start >= buffer.count / 2 {
      buffer.removeFirst(start)
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// Discards everything buffered (after a timeout, before a retry), counting it as skipped.
  public mutating func reset() {
    skip(buffer.count - start)
  }

  /// The next complete frame, or `nil` when more bytes are needed.
  public mutating func next() -> Frame? {
    while true {
      let available = buffer.count - start
      guard available > 0 else { return nil }
      guard buffer[start] == DP5Packet.sync1 else {
        skip(1)
        continue
      }
      guard available >= 2 else { return nil }
      guard buffer[start + 1] == DP5Packet.sync2 else {
        skip(1)
        continue
      }
      guard available >= DP5Packet.headerLength else { return nil }
      let pid1 = buffer[start + 2]
      let pid2 = buffer[start + 3]
      let length = Int(buffer[start + 4]) << 8 | Int(buffer[start + 5])
      guard isPlausible(pid1: pid1, pid2: pid2, length: length) else {
        skip(1)
        continue
      }
      let total = length + DP5Packet.overhead
      guard available >= total else { return nil }
      let end = start + total
      let body = buffer[start..<(end - 2)]
      let received = UInt16(buffer[end - 2]) << 8 | UInt16(buffer[end - 1])
      let computed = DP5Packet.checksum(of: body)
      let content: Result<DP5Packet, DP5ProtocolError>
      if received == computed {
        content = .success(
          DP5Packet(pid1: pid1, pid2: pid2, data: Array(buffer[(start + 6)..<(end - 2)])))
      } else {
        content = .failure(
          .checksumMismatch(pid1: pid1, pid2: pid2, received: received, computed: computed))
      }
      start = end
      let frame = Frame(skippedBytes: pendingSkippedBytes, content: content)
      pendingSkippedBytes = 0
      return frame
    }
  }

  private mutating func skip(_ count: Int) {
    start += count
    pendingSkippedBytes += count
    totalSkippedBytes += count
  }

  private func isPlausible(pid1: UInt8, pid2: UInt8, length: Int) -> Bool {
    switch direction {
    case .responses: return DP5Response.plausibleLength(pid1: pid1, pid2: pid2, length: length)
    case .requests:
      return DP5Response.plausibleRequestLength(pid1: pid1, pid2: pid2, length: length)
    }
  }
}
