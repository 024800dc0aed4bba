import WhitlockCore

/// Serves a `LineDeviceEmulator` over a byte stream (the master side of a pseudo-terminal):
/// splits CR-terminated lines, writes each reply with its CR, sends due lines on time, and can
/// unplug itself after a number of accepted moves (the fault `whitlock-sim` and the tests use
/// for "unplugged mid-move").
public struct LineDeviceServer<Device: LineDeviceEmulator>: Sendable {
  /// Why `serve` returned.
  public enum Ending: Sendable, Equatable {
    /// The unplug fault fired: the caller closes the stream and may serve a new one.
    case unplugged
    /// The stream failed or closed (the other side hung up, or the test closed it).
    case streamClosed
  }

  /// The emulated device; its state (position, a move in progress) survives reconnections.
  public private(set) var device: Device
  /// Unplug once this many moves have been accepted on one connection; `nil` never.
  public var unplugAfterMoves: Int?
  /// Unplug at most this many times (then keep the line); `nil` no limit.
  public var maximumUnplugs: Int?
  /// Unplugs so far.
  public private(set) var unplugs = 0
  /// Longest line taken; longer input is cut and passed on in pieces, like a device's buffer.
  public var maximumLineLength = 256

  /// A server for `device`.
  public init(device: Device, unplugAfterMoves: Int? = nil, maximumUnplugs: Int? = nil) {
    self.device = device
    self.unplugAfterMoves = unplugAfterMoves
    self.maximumUnplugs = maximumUnplugs
  }

  /// Answers lines on `stream` until it closes, the task is cancelled, or the unplug fault.
  /// `log` receives one line per received command when `logsLines` is set.
  public mutating func serve(
    _ stream: any ByteStream, logsLines: Bool = false, log: @Sendable (String) -> Void = { _ in }
  ) async -> Ending {
    var lines = CarriageReturnLines(maximumLength: maximumLineLength)
    let movesBefore = device.movesAccepted
    while !Task.isCancelled {
      do {
        let due = device.due(at: .now)
        try await send(due, on: stream)
        let now = ContinuousClock.now
        let wake = min(now + .milliseconds(200), device.nextDue() ?? now + .seconds(1))
        let bytes: [UInt8]
        do {
          bytes = try await stream.read(
            maxCount: 4096, deadline: max(wake, now + .microseconds(100)))
        } catch let error as InstrumentError where error.category == .timeout {
          continue
        }
        lines.append(bytes)
        while let line = lines.next() {
          let text = String(decoding: line, as: UTF8.self)
          let replies = device.receive(text, at: .now)
          if logsLines { log("<- \(text)  -> \(replies.joined(separator: " | "))") }
          try await send(replies, on: stream)
          if let limit = unplugAfterMoves, device.movesAccepted - movesBefore >= limit,
            unplugs < maximumUnplugs ?? Int.max
          {
            unplugs += 1
            log("fault: unplugging after \(limit) moves")
            return .unplugged
          }
        }
      } catch {
        return .streamClosed
      }
    }
    return .streamClosed
  }

  private func send(_ replies: [String], on stream: any ByteStream) async throws {
    guard !replies.isEmpty else { return }
    var bytes: [UInt8] = []
    for reply in replies { bytes += Array(reply.utf8) + [CarriageReturnLines.terminator] }
    try await stream.write(bytes, deadline: .now + .seconds(5))
  }
}
