/// Splits a byte stream into lines ended by carriage return (0x0D), the framing of the ASCII
/// stage protocols (Prior ProScan, Märzhäuser TANGO): bytes in, complete lines out, the
/// unfinished tail kept for the next `append`. Pure; no I/O.
public struct CarriageReturnLines: Sendable {
  /// The terminator, CR.
  public static let terminator: UInt8 = 0x0D
  /// Longest line kept; a longer run of bytes without CR is cut here and reported whole, so a
  /// line of garbage cannot grow the buffer without bound.
  public let maximumLength: Int
  private var pending: [UInt8] = []
  private var ready: [[UInt8]] = []
  private var readyStart = 0

  /// A splitter that cuts lines longer than `maximumLength` bytes.
  public init(maximumLength: Int = 256) {
    self.maximumLength = max(1, maximumLength)
  }

  /// Adds received bytes.
  public mutating func append(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      if byte == Self.terminator {
        ready.append(pending)
        pending.removeAll(keepingCapacity: true)
      } else {
        pending.append(byte)
        if pending.count >= maximumLength {
          ready.append(pending)
          pending.removeAll(keepingCapacity: true)
        }
      }
    }
  }

  /// The next complete line without its terminator, or `nil`.
  public mutating func next() -> [UInt8]? {
    guard readyStart < ready.count else { return nil }
    let line = ready[readyStart]
    readyStart += 1
    if readyStart == ready.count {
      ready.removeAll(keepingCapacity: true)
      readyStart = 0
    }
    return line
  }

  /// Bytes received after the last terminator.
  public var unfinished: [UInt8] { pending }

  /// Forgets everything received.
  public mutating func reset() {
    pending.removeAll()
    ready.removeAll()
    readyStart = 0
  }
}
