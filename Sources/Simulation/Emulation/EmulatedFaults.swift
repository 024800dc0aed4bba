/// Faults a device emulation injects into its replies, counted per reply so runs are repeatable.
///
/// A value of `n` > 0 applies the fault to every n-th reply (1-based); 0 never does.
public struct EmulatedFaults: Sendable, Equatable {
  /// Garbage bytes (including a false start-byte pair) written before the reply.
  public var garbageEvery = 0
  /// The reply's checksum (or footer, when checksums are off) is corrupted.
  public var corruptEvery = 0
  /// The request is refused (OBP NACK "device not ready"; USB request stall).
  public var nackEvery = 0
  /// The reply is never sent.
  public var stallEvery = 0
  /// The device drops off the bus at this reply; it comes back on the next connection.
  public var disconnectAtReply = 0

  public init() {}

  func applies(_ every: Int, to reply: Int) -> Bool { every > 0 && reply % every == 0 }
}
