import Simulation
import WhitlockCore

/// A bulk IN endpoint that carries only spectra of one size: each message is `pixelCount`
/// little-endian u16 words (XORed with `flipMask` on the wire), then any trailer (OOI's sync
/// byte), `messageBytes` in all.
public struct SpectrumStream: Sendable, Equatable {
  public var endpoint: UInt8
  public var messageBytes: Int
  public var pixelCount: Int
  public var flipMask: UInt16

  public init(endpoint: UInt8, messageBytes: Int, pixelCount: Int, flipMask: UInt16) {
    self.endpoint = endpoint
    self.messageBytes = messageBytes
    self.pixelCount = pixelCount
    self.flipMask = flipMask
  }

  /// The counts a driver decodes from one whole message, fingerprinted.
  public func fingerprint(of message: [UInt8]) -> String {
    SpectrumFingerprint.of(
      (0..<pixelCount).lazy.map { pixel in
        (UInt16(message[2 * pixel]) | UInt16(message[2 * pixel + 1]) << 8) ^ self.flipMask
      })
  }
}

/// Follows the bytes a bridged device hands the host on a `SpectrumStream` endpoint and names
/// each spectrum that arrived whole. Not thread-safe: the bridge actor calls it in order.
public struct SpectrumDeliveryWatch: Sendable {
  public let stream: SpectrumStream
  private var partial: [Int: (bytes: [UInt8], filled: Int)] = [:]

  public init(stream: SpectrumStream) { self.stream = stream }

  /// Bytes delivered from stream `position` on; returns the fingerprints of the spectra that
  /// are now complete (every one of their bytes delivered, none lost to a fault).
  public mutating func delivered(_ bytes: [UInt8], at position: Int) -> [String] {
    var done: [String] = []
    var offset = 0
    while offset < bytes.count {
      let absolute = position + offset
      let message = absolute / stream.messageBytes
      let within = absolute % stream.messageBytes
      let take = min(stream.messageBytes - within, bytes.count - offset)
      var entry =
        partial[message] ?? ([UInt8](repeating: 0, count: stream.messageBytes), 0)
      entry.bytes.replaceSubrange(within..<within + take, with: bytes[offset..<offset + take])
      entry.filled += take
      if entry.filled == stream.messageBytes {
        done.append(stream.fingerprint(of: entry.bytes))
        partial[message] = nil
      } else {
        partial[message] = entry
      }
      offset += take
    }
    // A message a fault cut short never completes; forget it once the stream has moved on.
    let current = (position + bytes.count) / stream.messageBytes
    for stale in partial.keys where stale + 4 < current { partial[stale] = nil }
    return done
  }

  /// The device lost power: positions start again from zero.
  public mutating func reset() { partial.removeAll() }
}
