/// Faults injected at the USB level, on bulk IN transfers that carry data. A value of `n` > 0
/// hits about one such transfer in `n`, at pseudo-random transfers that are the same in every
/// run (a strict every-n-th pattern can lock onto a driver's fixed open sequence and hit the
/// same request forever, which no real bus does); 0 never does.
public struct USBLinkFaults: Sendable, Equatable {
  /// The endpoint stalls (`-EPIPE`) instead of delivering; it stays halted until the host
  /// clears the halt, and the transfer's data is lost, as when a device aborts it.
  public var stallEvery = 0
  /// Only the first half arrives (a short packet); the rest comes with the next transfer.
  public var shortEvery = 0
  /// The device babbles (`-EOVERFLOW`): the transfer's data is lost.
  public var babbleEvery = 0
  /// The transfer never completes (the host times out and discards it); its data stays queued.
  public var dropEvery = 0

  public init() {}

  /// Whether any fault is configured.
  public var isEmpty: Bool { self == USBLinkFaults() }

  func applies(_ every: Int, to transfer: Int, kind: UInt64) -> Bool {
    guard every > 0 else { return false }
    // SplitMix64 of the transfer number and the fault kind: repeatable, uncorrelated.
    var z = UInt64(truncatingIfNeeded: transfer) &* 0x9E37_79B9_7F4A_7C15 &+ kind
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return z % UInt64(every) == 0
  }
}
