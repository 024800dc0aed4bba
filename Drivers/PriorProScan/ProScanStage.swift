import WhitlockCore

/// A Prior ProScan III XY stage over a serial line (`SerialPort`, a pseudo-terminal to the
/// emulator), in standard mode.
///
/// Open drains stale input, halts any motion a previous client left running (`K`, answered
/// `R`), drains again (so a late `R` is never taken for ours), selects standard mode
/// (`COMP,0` → `0`) and reads the resolution (`RES,s`) that converts µm to position units.
/// A move (`G,x,y`) is answered once, at its end: `R`, or `E,n` if refused (`E,8` out of range,
/// `E,18` queue full). The manual asks for no other command until that answer, so
/// `waitUntilSettled` reads it, then checks `$` and reads `PS`; `position()` during a move
/// throws `.moveInProgress`; `stop()` sends `K` at any time.
public actor ProScanStage: MotorizedStage {
  /// The configured name.
  public nonisolated let name: String
  /// The settings it was created with.
  public nonisolated let settings: ProScanSettings
  private let openStream: @Sendable () async throws -> any ByteStream
  private var link: LineLink?
  private var resolution = 1.0
  private var pendingMoves = 0
  private var target: StagePosition?
  private var staleBytes = 0

  /// A closed stage; `openStream` opens the port each time `open()` runs.
  public init(
    name: String, settings: ProScanSettings = ProScanSettings(),
    openStream: @escaping @Sendable () async throws -> any ByteStream
  ) {
    self.name = name
    self.settings = settings
    self.openStream = openStream
  }

  public var staleBytesAtLastOpen: Int { staleBytes }

  /// µm per position unit, as read at open.
  public var micrometresPerUnit: Double { resolution }

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
      staleBytes += try await perform("draining") {
        try await link.drain(quietPeriod: self.settings.drainQuietPeriod)
      }
      try await send(.kill, on: link)
      staleBytes += try await awaitKillAcknowledgement(on: link)
      staleBytes += try await perform("draining") {
        try await link.drain(quietPeriod: self.settings.drainQuietPeriod)
      }
      staleBytes += try await selectStandardMode(on: link)
      let reply = try await transact(.stageResolution, on: link)
      guard let value = reply.decimal, value > 0 else {
        throw StageError.unexpectedReply(expected: "a positive resolution", received: reply.text)
      }
      resolution = value
      if let percent = settings.maximumSpeedPercent {
        try await expectAcknowledgement(.setMaximumSpeed(percent), on: link)
      }
      if let percent = settings.accelerationPercent {
        try await expectAcknowledgement(.setAcceleration(percent), on: link)
      }
      pendingMoves = 0
      target = nil
      return StageIdentity(
        family: "prior-proscan",
        controller: "Prior ProScan (standard mode, \(ProScanNumber.text(value)) µm per unit)",
        travel: nil)
    } catch {
      await close()
      throw error
    }
  }

  public func moveAbsolute(to position: StagePosition) async throws(StageError) {
    let link = try openLink()
    let command = ProScanCommand.moveAbsolute(x: units(position.x), y: units(position.y))
    try await send(command, on: link)
    pendingMoves += 1
    target = position
  }

  public func waitUntilSettled(timeout: Duration) async throws(StageError) -> StagePosition {
    let link = try openLink()
    let deadline = ContinuousClock.now + timeout
    while pendingMoves > 0 {
      let line: String
      do { line = try await link.readLine(deadline: deadline) } catch {
        let failure = StageError(transport: error, waitingFor: "the end of the move")
        if case .timeout = failure {
          throw StageError.settleTimeout(after: timeout, target: target)
        }
        throw failure
      }
      switch ProScanReply.parse(line) {
      case .endOfMove:
        pendingMoves -= 1
      case .error(let code):
        pendingMoves -= 1
        throw moveError(code)
      case .values:
        throw StageError.unexpectedReply(expected: "R at the end of the move", received: line)
      }
    }
    while true {
      let reply = try await transact(.motionStatus, on: link)
      guard let bits = reply.integers(count: 1) else {
        throw StageError.unexpectedReply(expected: "a motion status number", received: reply.text)
      }
      if !ProScanMotionStatus(rawValue: bits[0]).xyMoving { break }
      guard ContinuousClock.now < deadline else {
        throw StageError.settleTimeout(after: timeout, target: target)
      }
    }
    return try await readPosition(on: link)
  }

  public func position() async throws(StageError) -> StagePosition {
    let link = try openLink()
    guard pendingMoves == 0 else { throw StageError.moveInProgress }
    return try await readPosition(on: link)
  }

  public func stop() async throws(StageError) {
    let link = try openLink()
    try await send(.kill, on: link)
    _ = try await awaitKillAcknowledgement(on: link)
    _ = try await perform("draining") {
      try await link.drain(quietPeriod: self.settings.drainQuietPeriod)
    }
    pendingMoves = 0
  }

  public func close() async {
    if let link { await link.close() }
    link = nil
    pendingMoves = 0
  }

  private func openLink() throws(StageError) -> LineLink {
    guard let link else { throw StageError.notOpen }
    return link
  }

  private func units(_ micrometres: Double) -> Int {
    let value = (micrometres / resolution).rounded()
    return Int(max(min(value, 2e9), -2e9))
  }

  /// Reads lines up to the `R` that acknowledges `K`; returns the bytes of other lines skipped
  /// (a dead client's replies). At most 64 lines: a line that never stops talking is not a stage.
  private func awaitKillAcknowledgement(on link: LineLink) async throws(StageError) -> Int {
    var skipped = 0
    for _ in 0..<64 {
      let timeout = settings.replyTimeout
      let line = try await perform("K") { try await link.readLine(deadline: .now + timeout) }
      if ProScanReply.parse(line) == .endOfMove { return skipped }
      skipped += line.utf8.count + 1
    }
    throw StageError.unexpectedReply(expected: "R after K", received: "64 other lines")
  }

  /// Sends `COMP,0` and reads up to its `0`. An `R` before it can only be stale (nothing moves
  /// after `K`): the end of a move a dead client started, or a `K` answer that came after the
  /// quiet period on a loaded machine. It is counted and skipped, never taken for an answer.
  private func selectStandardMode(on link: LineLink) async throws(StageError) -> Int {
    try await send(.setCompatibilityMode(false), on: link)
    var skipped = 0
    for _ in 0..<64 {
      let line = try await perform(ProScanCommand.setCompatibilityMode(false).text) {
        try await link.readLine(deadline: .now + self.settings.replyTimeout)
      }
      switch ProScanReply.parse(line) {
      case .values(["0"]): return skipped
      case .endOfMove: skipped += line.utf8.count + 1
      case .error(let code):
        throw StageError.deviceRefused(
          code: code.rawValue, meaning: code.meaning, command: "COMP,0")
      case let other:
        throw StageError.unexpectedReply(expected: "0 after COMP,0", received: other.text)
      }
    }
    throw StageError.unexpectedReply(expected: "0 after COMP,0", received: "64 stale lines")
  }

  private func moveError(_ code: ProScanErrorCode) -> StageError {
    switch code {
    case .valueOutOfRange, .argument1OutOfRange, .argument2OutOfRange:
      .targetOutOfRange(target ?? StagePosition(x: .nan, y: .nan), reason: code.description)
    case .queueFull: .queueFull
    default: .deviceRefused(code: code.rawValue, meaning: code.meaning, command: "G")
    }
  }

  private func readPosition(on link: LineLink) async throws(StageError) -> StagePosition {
    let reply = try await transact(.position, on: link)
    guard let values = reply.integers(count: 2) else {
      throw StageError.unexpectedReply(expected: "x,y", received: reply.text)
    }
    return StagePosition(x: Double(values[0]) * resolution, y: Double(values[1]) * resolution)
  }

  private func expectAcknowledgement(_ command: ProScanCommand, on link: LineLink)
    async throws(StageError)
  {
    let reply = try await transact(command, on: link)
    guard reply == .values(["0"]) else {
      throw StageError.unexpectedReply(expected: "0 after \(command)", received: reply.text)
    }
  }

  /// Sends a property command and returns its reply; `E,n` throws.
  private func transact(_ command: ProScanCommand, on link: LineLink) async throws(StageError)
    -> ProScanReply
  {
    try await send(command, on: link)
    let reply = try await readReply(on: link, waitingFor: command.text)
    if case .error(let code) = reply {
      throw StageError.deviceRefused(
        code: code.rawValue, meaning: code.meaning, command: command.text)
    }
    return reply
  }

  private func send(_ command: ProScanCommand, on link: LineLink) async throws(StageError) {
    try await perform(command.text) { try await link.send(command.text) }
  }

  private func readReply(on link: LineLink, waitingFor what: String) async throws(StageError)
    -> ProScanReply
  {
    let timeout = settings.replyTimeout
    let line = try await perform(what) { try await link.readLine(deadline: .now + timeout) }
    return ProScanReply.parse(line)
  }

  private func perform<T: Sendable>(_ what: String, _ body: () async throws -> T)
    async throws(StageError) -> T
  {
    do { return try await body() } catch { throw StageError(transport: error, waitingFor: what) }
  }
}
