#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Hands out record sequence numbers that strictly increase across the daemon's whole life.
///
/// Numbers are reserved in durable blocks: before any number of a block is used, the end of the
/// block is written to `.seq` and fsync'd. After a crash the next start continues above the last
/// reservation, so a number is never reused even if consumers have already deleted the segments
/// that held it. A crash costs at most one block of unused numbers (gaps are allowed; repeats never).
public struct SequenceAllocator: Sendable {
  /// How many numbers one durable reservation covers.
  public static let blockSize: UInt64 = 10_000

  private let layout: SpoolLayout
  private var next: UInt64
  private var reservedThrough: UInt64

  /// Loads the reservation, never going below `atLeast` (the highest number seen on disk plus one).
  public init(layout: SpoolLayout, atLeast floor: UInt64) throws(SpoolError) {
    self.layout = layout
    let stored = try Self.readReservation(layout)
    next = max(stored ?? 1, floor, 1)
    reservedThrough = next
  }

  /// The number the next record will get, without consuming it.
  public var peek: UInt64 { next }

  /// Consumes and returns the next number, reserving a new block durably when needed.
  public mutating func take() throws(SpoolError) -> UInt64 {
    if next >= reservedThrough {
      try reserve(through: next + Self.blockSize)
    }
    defer { next += 1 }
    return next
  }

  /// Returns `seq`, the number `take` handed out last, when nothing carrying it reached the disk
  /// (a failed write), so a disk that stays full for hours does not burn a number per retry.
  mutating func giveBack(_ seq: UInt64) {
    if seq + 1 == next { next = seq }
  }

  private mutating func reserve(through end: UInt64) throws(SpoolError) {
    let path = layout.sequenceFile
    let temporary = path + ".tmp"
    if POSIXFile.exists(temporary) { try POSIXFile.unlink(temporary) }
    try POSIXFile.writeNewDurably(temporary, Array("\(end)\n".utf8))
    try POSIXFile.rename(temporary, path)
    try POSIXFile.fsyncDirectory(layout.root)
    reservedThrough = end
  }

  private static func readReservation(_ layout: SpoolLayout) throws(SpoolError) -> UInt64? {
    guard POSIXFile.exists(layout.sequenceFile) else { return nil }
    let bytes = try POSIXFile.read(layout.sequenceFile)
    let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
    guard let value = UInt64(text) else {
      throw SpoolError(
        .corrupt,
        "\(layout.sequenceFile) does not hold a sequence number (found \(text.prefix(40).debugDescription)); "
          + "remove it only if you are sure no segment has been consumed, whitlockd then rescans the spool"
      )
    }
    return value
  }
}

extension String {
  var trimmingWhitespace: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
