import WhitlockCore

/// One request–reply conversation with a DP5-family device over a `ByteStream`, with deadlines,
/// resynchronisation and bounded retries.
///
/// Every request the driver sends is idempotent (status, spectrum without clear, configuration,
/// clear, enable, disable), so a request whose reply was lost, late, corrupted or refused as busy
/// is simply sent again after the line has been drained: a late reply to the first attempt is
/// discarded rather than mistaken for the reply to the next request.
public actor DP5Connection {
  /// Link tunables.
  public struct Policy: Sendable {
    /// Attempts per request before giving up.
    public var attempts = 4
    /// Time for a reply beyond its transfer time at the line speed.
    public var replyLatency: Duration = .milliseconds(500)
    /// Line speed used to budget transfer time (a pseudo-terminal is faster; USB much faster).
    public var baudRate = 115_200
    /// How long the line must be quiet when draining before a retry.
    public var drainQuietPeriod: Duration = .milliseconds(60)
    /// Wait before retrying after a busy ACK.
    public var busyBackoff: Duration = .milliseconds(200)

    /// The default policy: 4 attempts, 500 ms latency at 115200 baud.
    public init() {}
  }

  /// Counters of link trouble survived, for the acquisition record.
  public struct Counters: Sendable, Equatable {
    /// Requests sent again after a lost, corrupted or refused reply.
    public var retries = 0
    /// Garbage bytes skipped while looking for packets.
    public var skippedBytes = 0
    /// Frames rejected for a bad checksum.
    public var corruptedFrames = 0
    /// Stale bytes drained before retries.
    public var drainedBytes = 0
  }

  private let stream: any ByteStream
  private let policy: Policy
  private var decoder = DP5StreamDecoder(direction: .responses)
  /// What the link has survived since it was opened.
  public private(set) var counters = Counters()

  /// A conversation over `stream`.
  public init(stream: any ByteStream, policy: Policy = Policy()) {
    self.stream = stream
    self.policy = policy
  }

  /// The stream's name.
  public nonisolated var name: String { stream.name }

  /// Discards stale input (e.g. a reply meant for a killed client); returns the bytes dropped.
  public func drain() async throws -> Int {
    let dropped = try await stream.drainInput(quietPeriod: policy.drainQuietPeriod)
    decoder.reset()
    counters.drainedBytes += dropped
    return dropped
  }

  /// Closes the stream.
  public func close() async { await stream.close() }

  /// Sends `request` and returns the reply `extract` accepts, retrying transient failures.
  ///
  /// `replyBytes` is the size of the expected reply, for the deadline. A non-transient error ACK
  /// throws the device's error at once; exhausted retries throw the last failure.
  public func transact<Reply: Sendable>(
    _ request: DP5Request, replyBytes: Int = 8, expecting what: String,
    _ extract: (DP5Response) -> Reply?
  ) async throws -> Reply {
    var lastProblem = ""
    var lastCategory = InstrumentError.Category.timeout
    for attempt in 1...max(policy.attempts, 1) {
      if attempt > 1 {
        counters.retries += 1
        _ = try await drain()
      }
      let transfer = Double((replyBytes + DP5Packet.overhead) * 10) / Double(policy.baudRate)
      let timeout = policy.replyLatency + .seconds(transfer * 2)
      do {
        try await stream.write(request.encoded, deadline: .now + .seconds(2))
        let response = try await readResponse(deadline: .now + timeout)
        if case .acknowledgement(let code, let data) = response,
          let error = DP5DeviceError(ackCode: code, data: data)
        {
          guard error.isTransient else { throw DP5RequestFailure(request: request, error: error) }
          lastProblem = error.description
          lastCategory = error.instrumentError.category
          if error == .busy { try await Task.sleep(for: policy.busyBackoff) }
          continue
        }
        guard let reply = extract(response) else {
          lastProblem = "expected \(what), received \(response.name)"
          lastCategory = .protocolViolation
          continue
        }
        return reply
      } catch let error as InstrumentError where error.category == .timeout {
        lastProblem = "no reply within \(timeout)"
        lastCategory = .timeout
      } catch let error as DP5ProtocolError {
        lastProblem = error.description
        lastCategory = .protocolViolation
      }
    }
    throw InstrumentError(
      lastCategory,
      "\(request.name) to \(stream.name) failed after \(max(policy.attempts, 1)) attempts: "
        + lastProblem)
  }

  /// Sends a command answered by an ACK and returns once it succeeded.
  public func command(_ request: DP5Request) async throws {
    _ = try await transact(request, expecting: "an ACK") { response -> Bool? in
      if case .acknowledgement = response { return true }
      return nil
    }
  }

  /// Reads until one complete frame arrives; garbage is counted, a corrupted frame throws.
  private func readResponse(deadline: ContinuousClock.Instant) async throws -> DP5Response {
    while true {
      if let frame = decoder.next() {
        counters.skippedBytes += frame.skippedBytes
        switch frame.content {
        case .success(let packet): return try DP5Response(packet: packet)
        case .failure(let error):
          counters.corruptedFrames += 1
          throw error
        }
      }
      let bytes = try await stream.read(maxCount: 32_768, deadline: deadline)
      decoder.append(bytes)
    }
  }
}

/// A request the device refused with an error ACK that retrying cannot fix.
public struct DP5RequestFailure: Error, Sendable, CustomStringConvertible {
  /// The request.
  public var request: DP5Request
  /// The device's error.
  public var error: DP5DeviceError

  /// `request: error`.
  public var description: String { "\(request.name): \(error)" }

  /// The failure as the daemon reports it, keeping the device error's category.
  public var instrumentError: InstrumentError {
    InstrumentError(error.instrumentError.category, description)
  }
}
