import WhitlockCore

/// A Märzhäuser TANGO XY stage over a serial line (`SerialPort`, a pseudo-terminal to the
/// emulator), positions in µm.
///
/// Open drains stale input, clears the controller's input buffer (a lone CR), stops unsolicited
/// status lines (`!autostatus 0`), drains again, reads and discards an error left by a previous
/// client (`?err`), checks that the controller names itself TANGO (`?version`), selects µm
/// (`!dim 1 1`) and reads the travel limits (`?lim x`, `?lim y`). `!` instructions have no
/// answer, so every move and stop is followed by `?err`: a refusal (32, target outside limit)
/// is reported at once. `waitUntilSettled` polls `?statusaxis` until x and y stand still and
/// reads `?pos`.
public actor TangoStage: MotorizedStage {
  /// The configured name.
  public nonisolated let name: String
  /// The settings it was created with.
  public nonisolated let settings: TangoSettings
  private let openStream: @Sendable () async throws -> any ByteStream
  private var link: LineLink?
  private var target: StagePosition?
  private var staleBytes = 0

  /// A closed stage; `openStream` opens the port each time `open()` runs.
  public init(
    name: String, settings: TangoSettings = TangoSettings(),
    openStream: @escaping @Sendable () async throws -> any ByteStream
  ) {
    self.name = name
    self.settings = settings
    self.openStream = openStream
  }

  public var staleBytesAtLastOpen: Int { staleBytes }

  public func open() async throws(StageError) -> StageIdentity {
    await close()
    staleBytes = 0
    let stream: any ByteStream
    do { stream = try await openStream() } catch {
      throw StageError.portUnavailable("\(error)")
    }
    let link = LineLink(stream: stream)
    self.link = link
    do throws(StageError) {
      let quiet = settings.drainQuietPeriod
      staleBytes += try await perform("draining") { try await link.drain(quietPeriod: quiet) }
      try await send(.clearInput, on: link)
      try await send(.autostatus(false), on: link)
      staleBytes += try await perform("draining") { try await link.drain(quietPeriod: quiet) }
      _ = try await ask(.lastError, on: link)
      let version = try await ask(.version, on: link)
      guard version.contains("TANGO") else {
        throw StageError.unexpectedReply(expected: "a TANGO version", received: version)
      }
      try await instruct(.micrometreUnits, on: link)
      var ranges: [ClosedRange<Double>] = []
      for axis: Character in ["x", "y"] {
        let answer = try await ask(.limits(axis: axis), on: link)
        guard let range = TangoAnswer.limits(answer) else {
          throw StageError.unexpectedReply(expected: "min max for \(axis)", received: answer)
        }
        ranges.append(range)
      }
      target = nil
      return StageIdentity(
        family: "marzhauser-tango", controller: version,
        travel: StageTravel(x: ranges[0], y: ranges[1]))
    } catch {
      await close()
      throw error
    }
  }

  public func moveAbsolute(to position: StagePosition) async throws(StageError) {
    let link = try openLink()
    target = position
    let command = TangoCommand.moveAbsolute(x: position.x, y: position.y)
    try await send(command, on: link)
    let code = try await lastError(on: link)
    switch code {
    case .none: return
    case .targetOutsideLimit, .numberOutOfRange:
      throw StageError.targetOutOfRange(position, reason: "error \(code)")
    default:
      throw StageError.deviceRefused(
        code: code.rawValue, meaning: code.meaning, command: command.text)
    }
  }

  public func waitUntilSettled(timeout: Duration) async throws(StageError) -> StagePosition {
    let link = try openLink()
    let deadline = ContinuousClock.now + timeout
    while true {
      let answer = try await ask(.statusAxis, on: link)
      guard let states = TangoAnswer.xyStates(answer) else {
        throw StageError.unexpectedReply(expected: "a status character per axis", received: answer)
      }
      if states.x != .moving, states.y != .moving { break }
      guard ContinuousClock.now < deadline else {
        throw StageError.settleTimeout(after: timeout, target: target)
      }
      do { try await Task.sleep(for: settings.pollInterval) } catch {
        throw StageError.timeout(waitingFor: "the end of the move (cancelled)")
      }
    }
    let code = try await lastError(on: link)
    guard code == .none else {
      throw StageError.deviceRefused(code: code.rawValue, meaning: code.meaning, command: "move")
    }
    return try await readPosition(on: link)
  }

  public func position() async throws(StageError) -> StagePosition {
    try await readPosition(on: try openLink())
  }

  public func stop() async throws(StageError) {
    let link = try openLink()
    try await send(.abort, on: link)
    let code = try await lastError(on: link)
    guard code == .none else {
      throw StageError.deviceRefused(code: code.rawValue, meaning: code.meaning, command: "!a")
    }
  }

  public func close() async {
    if let link { await link.close() }
    link = nil
  }

  private func openLink() throws(StageError) -> LineLink {
    guard let link else { throw StageError.notOpen }
    return link
  }

  private func readPosition(on link: LineLink) async throws(StageError) -> StagePosition {
    let answer = try await ask(.position, on: link)
    guard let position = TangoAnswer.position(answer) else {
      throw StageError.unexpectedReply(expected: "x y", received: answer)
    }
    return StagePosition(x: position.x, y: position.y)
  }

  /// Sends a `!` instruction and checks `?err` is 0.
  private func instruct(_ command: TangoCommand, on link: LineLink) async throws(StageError) {
    try await send(command, on: link)
    let code = try await lastError(on: link)
    guard code == .none else {
      throw StageError.deviceRefused(
        code: code.rawValue, meaning: code.meaning, command: command.text)
    }
  }

  private func lastError(on link: LineLink) async throws(StageError) -> TangoErrorCode {
    let answer = try await ask(.lastError, on: link)
    guard let code = TangoAnswer.error(answer) else {
      throw StageError.unexpectedReply(expected: "an error number", received: answer)
    }
    return code
  }

  private func ask(_ command: TangoCommand, on link: LineLink) async throws(StageError) -> String {
    try await send(command, on: link)
    let timeout = settings.replyTimeout
    return try await perform(command.text) { try await link.readLine(deadline: .now + timeout) }
  }

  private func send(_ command: TangoCommand, on link: LineLink) async throws(StageError) {
    try await perform(command.description) { try await link.sendBytes(command.encoded) }
  }

  private func perform<T: Sendable>(_ what: String, _ body: () async throws -> T)
    async throws(StageError) -> T
  {
    do { return try await body() } catch { throw StageError(transport: error, waitingFor: what) }
  }
}
