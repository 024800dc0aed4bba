/// Faults injected at the USB level, on bulk IN transfers that carry data, counted from 1 so a
/// run is repeatable. A value of `n` > 0 applies to every n-th such transfer; 0 never does.
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

  func applies(_ every: Int, to transfer: Int) -> Bool { every > 0 && transfer % every == 0 }
}
