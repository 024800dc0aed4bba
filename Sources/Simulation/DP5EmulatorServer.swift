import AmptekDP5
import SampleModels
import WhitlockCore

/// Serves a `DP5Emulator` over a byte stream (the master side of a pseudo-terminal), injecting
/// the configured link faults.
public struct DP5EmulatorServer: Sendable {
  /// Why `serve` returned.
  public enum Ending: Sendable, Equatable {
    /// The fault plan hung up the link; reconnect to continue.
    case disconnectFault
    /// The stream failed or closed.
    case streamClosed
  }

  /// The emulated device, which keeps its state across reconnections.
  public private(set) var emulator: DP5Emulator
  /// The faults injected.
  public let faults: DP5FaultSettings
  /// Whether every request and its reply are logged.
  public var logsRequests = false
  private var random: RandomSource
  private var announcedPresets: UInt32 = 0
  private var disconnects = 0

  /// A server for `emulator` with `faults`.
  public init(emulator: DP5Emulator, faults: DP5FaultSettings = DP5FaultSettings()) {
    self.emulator = emulator
    self.faults = faults
    self.random = RandomSource(seed: faults.seed)
  }

  /// Answers requests on `stream` until it closes, the task is cancelled, or a disconnect fault.
  /// `log` receives one line per notable event (faults, completed presets).
  public mutating func serve(
    _ stream: any ByteStream, log: @Sendable (String) -> Void
  ) async -> Ending {
    var decoder = DP5StreamDecoder(direction: .requests)
    var served = 0
    while !Task.isCancelled {
      let bytes: [UInt8]
      do {
        bytes = try await stream.read(maxCount: 4096, deadline: .now + .milliseconds(200))
      } catch let error as InstrumentError where error.category == .timeout {
        announcePresets(log)
        continue
      } catch {
        return .streamClosed
      }
      decoder.append(bytes)
      while let frame = decoder.next() {
        if frame.skippedBytes > 0 { log("skipped \(frame.skippedBytes) garbage bytes from host") }
        served += 1
        let reply: DP5Response
        switch frame.content {
        case .failure:
          reply = .rejection(.checksumError)
        case .success(let packet):
          if chance(faults.busyProbability) {
            log("fault: busy ACK for \(packet)")
            reply = .rejection(.busy)
          } else {
            reply = emulator.respond(to: packet, at: .now)
          }
        }
        announcePresets(log)
        if logsRequests, case .success(let packet) = frame.content {
          log("request \(packet) -> \(reply.name)")
        }
        if chance(faults.dropReplyProbability) {
          log("fault: dropped reply \(reply.name)")
        } else {
          do { try await send(reply, on: stream, log: log) } catch { return .streamClosed }
        }
        if let limit = faults.disconnectAfterRequests, served >= limit,
          disconnects < faults.maximumDisconnects ?? Int.max
        {
          disconnects += 1
          log("fault: disconnecting after \(served) requests")
          return .disconnectFault
        }
      }
    }
    return .streamClosed
  }

  private mutating func send(
    _ reply: DP5Response, on stream: any ByteStream, log: @Sendable (String) -> Void
  ) async throws {
    var bytes = reply.encoded
    if chance(faults.corruptChecksumProbability) {
      bytes[bytes.count - 1] ^= 0x5A
      log("fault: corrupted checksum of \(reply.name)")
    }
    if chance(faults.garbageProbability) {
      let count = Int(random.next() % 24) + 1
      let garbage = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      bytes = garbage + bytes
      log("fault: \(count) garbage bytes before \(reply.name)")
    }
    if bytes.count > 1, chance(faults.truncateProbability) {
      let kept = Int(random.next() % UInt64(bytes.count - 1)) + 1
      bytes = Array(bytes.prefix(kept))
      log("fault: \(reply.name) truncated to \(kept) bytes")
    }
    if chance(faults.delayReplyProbability) {
      log("fault: delaying \(reply.name) by \(faults.delaySeconds) s")
      try await Task.sleep(for: .seconds(faults.delaySeconds))
    }
    try await stream.write(bytes, deadline: .now + .seconds(10))
  }

  private mutating func announcePresets(_ log: @Sendable (String) -> Void) {
    _ = emulator.isAcquiring(at: .now)
    while announcedPresets < emulator.presetsCompleted {
      announcedPresets += 1
      log("preset \(announcedPresets) completed")
    }
  }

  private mutating func chance(_ probability: Double) -> Bool {
    probability > 0 && random.uniform() < probability
  }
}
