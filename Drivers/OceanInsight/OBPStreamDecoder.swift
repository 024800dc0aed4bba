import WhitlockCore

/// Cuts a byte stream into OBP messages and finds its way back after garbage or a torn message.
///
/// A header is recognised by the start bytes, a known protocol version, a checksum type of 0 or 1,
/// an immediate length of at most 16 and a plausible length. Anything before a header is dropped
/// and counted; a candidate header whose message then fails its footer is reported once
/// (`badFooter`, with the header's type and tag) and dropped one byte at a time, so a start-byte
/// pair inside a spectrum cannot wedge the decoder and a message that follows is still found.
public struct OBPStreamDecoder: Sendable {
  /// Largest message accepted (a QE Pro spectrum is 4 240 bytes of payload).
  public var maximumMessageLength: Int
  /// Bytes discarded while searching for a message, since creation.
  public private(set) var discardedByteCount = 0
  /// Protocol versions accepted in headers.
  public var acceptedVersions: Set<UInt16> = [OBPMessage.protocolVersion1100]

  private var buffer: [UInt8] = []
  private var start = 0

  /// A decoder with an empty buffer.
  public init(maximumMessageLength: Int = 1 << 20) {
    self.maximumMessageLength = maximumMessageLength
  }

  /// Bytes received but not yet part of a returned message.
  public var bufferedByteCount: Int { buffer.count - start }

  /// Adds received bytes.
  public mutating func append(_ bytes: some Sequence<UInt8>) {
    if start > 4096 && start * 2 > buffer.count {
      buffer.removeFirst(start)
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// Forgets everything buffered (after a drain).
  public mutating func reset() {
    discardedByteCount += buffer.count - start
    buffer.removeAll(keepingCapacity: true)
    start = 0
  }

  /// The next complete message, a frame error for a complete but corrupt one (decoding goes on
  /// after it), or `nil` when more bytes are needed.
  public mutating func next() -> Result<OBPMessage, OBPFrameError>? {
    while true {
      guard let headerStart = findHeader() else { return nil }
      discard(upTo: headerStart)
      let remaining = Int(LittleEndian.read(UInt32.self, from: buffer, at: start + 40))
      let total = OBPMessage.headerLength + remaining
      guard buffer.count - start >= total else { return nil }
      let end = start + total
      let messageType = LittleEndian.read(UInt32.self, from: buffer, at: start + 8)
      guard Array(buffer[(end - 4)..<end]) == OBPMessage.footerBytes else {
        let regarding = LittleEndian.read(UInt32.self, from: buffer, at: start + 12)
        discard(upTo: start + 1)
        return .failure(.badFooter(messageType: messageType, regarding: regarding))
      }
      let message = parse(from: start, to: end)
      let checksumType = buffer[start + 22]
      if checksumType == OBPMessage.ChecksumType.md5.rawValue {
        let digest = MD5.digest(buffer[start..<(end - 20)])
        if Array(buffer[(end - 20)..<(end - 4)]) != digest {
          start = end
          return .failure(.checksumMismatch(messageType: messageType))
        }
      }
      start = end
      return .success(message)
    }
  }

  private mutating func discard(upTo index: Int) {
    discardedByteCount += index - start
    start = index
  }

  /// Index of the first plausible header, dropping what precedes it; `nil` keeps a possible
  /// partial header at the end of the buffer.
  private mutating func findHeader() -> Int? {
    var index = start
    while index + 1 < buffer.count {
      if buffer[index] == 0xC1 && buffer[index + 1] == 0xC0 {
        if buffer.count - index < OBPMessage.headerLength {
          discard(upTo: index)
          return nil
        }
        if isPlausibleHeader(at: index) { return index }
      }
      index += 1
    }
    discard(upTo: max(start, buffer.count - 1))
    if let last = buffer.last, last != 0xC1 { discard(upTo: buffer.count) }
    return nil
  }

  private func isPlausibleHeader(at index: Int) -> Bool {
    let version = LittleEndian.read(UInt16.self, from: buffer, at: index + 2)
    let checksumType = buffer[index + 22]
    let immediateLength = buffer[index + 23]
    let remaining = Int(LittleEndian.read(UInt32.self, from: buffer, at: index + 40))
    return acceptedVersions.contains(version) && checksumType <= 1 && immediateLength <= 16
      && remaining >= OBPMessage.trailerLength
      && remaining <= maximumMessageLength - OBPMessage.headerLength
      && (immediateLength == 0 || remaining == OBPMessage.trailerLength)
  }

  private func parse(from first: Int, to end: Int) -> OBPMessage {
    let immediateLength = Int(buffer[first + 23])
    let payload: [UInt8] =
      immediateLength > 0
      ? Array(buffer[(first + 24)..<(first + 24 + immediateLength)])
      : Array(buffer[(first + OBPMessage.headerLength)..<(end - OBPMessage.trailerLength)])
    return OBPMessage(
      messageType: LittleEndian.read(UInt32.self, from: buffer, at: first + 8), payload: payload,
      flags: OBPFlags(rawValue: LittleEndian.read(UInt16.self, from: buffer, at: first + 4)),
      errorNumber: LittleEndian.read(UInt16.self, from: buffer, at: first + 6),
      regarding: LittleEndian.read(UInt32.self, from: buffer, at: first + 12),
      checksumType: OBPMessage.ChecksumType(rawValue: buffer[first + 22]) ?? .none,
      protocolVersion: LittleEndian.read(UInt16.self, from: buffer, at: first + 2))
  }
}
