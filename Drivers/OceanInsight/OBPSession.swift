import WhitlockCore

/// Request/reply exchanges of the Ocean Binary Protocol over any `OceanByteLink`.
///
/// Every request carries a fresh `regarding` tag; replies with another tag (a stale answer to a
/// killed client) or another message type are dropped. A reply that fails its footer or MD5, or
/// does not arrive in time, is retried after draining the link; a torn reply is retried as soon
/// as its frame is complete, not after the timeout. A "device not ready" NACK (the
/// device is busy) is retried after `busyPause`; any other NACK is final.
public actor OBPSession {
  public let link: any OceanByteLink
  /// How long to wait for a reply beyond any integration time.
  public var replyTimeout: Duration
  /// Tries per exchange.
  public var attempts: Int
  /// Whether requests carry an MD5 checksum.
  public var checksumType: OBPMessage.ChecksumType

  private var decoder = OBPStreamDecoder()
  private var nextTag: UInt32 = 0x5700_0000
  /// Exchanges that needed more than one try, since creation.
  public private(set) var retries = 0
  /// Replies dropped because they answered something else.
  public private(set) var staleReplies = 0
  /// Replies that failed their footer or checksum, since creation.
  public private(set) var corruptedReplies = 0
  /// Exchanges that got no reply in time, since creation.
  public private(set) var timeouts = 0
  /// "Device not ready" NACKs received (each retried), since creation.
  public private(set) var busyReplies = 0
  /// How long to wait before repeating a request the device was not ready for.
  public var busyPause: Duration = .milliseconds(20)

  public init(
    link: any OceanByteLink, replyTimeout: Duration = .seconds(1), attempts: Int = 3,
    checksumType: OBPMessage.ChecksumType = .none
  ) {
    self.link = link
    self.replyTimeout = replyTimeout
    self.attempts = max(attempts, 1)
    self.checksumType = checksumType
  }

  /// Bytes thrown away while resynchronising, since creation.
  public var discardedBytes: Int { decoder.discardedByteCount }

  /// Drops stale input on the link and in the decoder; returns the bytes dropped.
  @discardableResult
  public func drain() async throws -> Int {
    let dropped = try await link.drain() + decoder.bufferedByteCount
    decoder.reset()
    return dropped
  }

  /// Sends a query and returns the reply payload.
  public func query(_ messageType: UInt32, payload: [UInt8] = [], extraTime: Duration = .zero)
    async throws -> [UInt8]
  {
    try await exchange(messageType, payload: payload, flags: [], extraTime: extraTime).payload
  }

  /// Sends a command with the ACK-requested flag and waits for the ACK.
  public func command(_ messageType: UInt32, payload: [UInt8] = []) async throws {
    _ = try await exchange(messageType, payload: payload, flags: .ackRequested, extraTime: .zero)
  }

  private func exchange(
    _ messageType: UInt32, payload: [UInt8], flags: OBPFlags, extraTime: Duration
  ) async throws -> OBPMessage {
    var lastFailure: InstrumentError?
    for attempt in 1...attempts {
      if attempt > 1 {
        retries += 1
        try await drain()
      }
      nextTag &+= 1
      let tag = nextTag
      let request = OBPMessage(
        messageType: messageType, payload: payload, flags: flags, regarding: tag,
        checksumType: checksumType)
      try await link.write(request.encoded(), timeout: replyTimeout)
      do {
        let reply = try await receive(
          messageType: messageType, tag: tag, deadline: .now + replyTimeout + extraTime)
        do { return try OBPReplyError.check(reply) } catch {
          guard case .refused(_, .deviceNotReady) = error else { throw error.instrumentError }
          busyReplies += 1
          lastFailure = error.instrumentError
          try await Task.sleep(for: busyPause)
        }
      } catch let failure as OBPFrameError {
        corruptedReplies += 1
        lastFailure = InstrumentError(.protocolViolation, "\(link.name): \(failure)")
      } catch let failure as InstrumentError where failure.category == .timeout {
        timeouts += 1
        lastFailure = failure
      }
    }
    throw lastFailure
      ?? InstrumentError(.protocolViolation, "\(link.name): OBP exchange failed")
  }

  private func receive(messageType: UInt32, tag: UInt32, deadline: ContinuousClock.Instant)
    async throws -> OBPMessage
  {
    // Devices that do not echo the tag answer with 0; accept those by message type.
    func answers(_ type: UInt32, _ regarding: UInt32) -> Bool {
      type == messageType && (regarding == tag || regarding == 0)
    }
    while true {
      while let result = decoder.next() {
        switch result {
        case .success(let message):
          if answers(message.messageType, message.regarding) { return message }
          staleReplies += 1
        case .failure(.badFooter(let type, let regarding)):
          // Our reply arrived torn: ask again now instead of waiting out the timeout. A torn
          // frame of anything else (or a false header) is only bytes to skip.
          if answers(type, regarding) {
            throw OBPFrameError.badFooter(messageType: type, regarding: regarding)
          }
        case .failure(let error):
          throw error
        }
      }
      let remaining = deadline - .now
      guard remaining > .zero else {
        throw InstrumentError(
          .timeout,
          "\(link.name): no reply to OBP message 0x\(String(messageType, radix: 16)) in time")
      }
      decoder.append(try await link.read(maxCount: 16384, timeout: remaining))
    }
  }
}
