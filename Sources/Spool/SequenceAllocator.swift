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
///
/// `.seq` only protects numbers this spool handed out since it was made. A spool restored from
/// an older copy, or one whose `.seq` was deleted, would hand out again numbers its records
/// already have in a database they were shipped to. So a shipper that learns the database's
/// highest number for the spool records it in `.seq-floor` (`raiseFloor`), and the allocator
/// never hands out a number at or below it: at start and, while running, before each number
/// (one `lstat` per record; the file is re-read only when it was replaced).
public struct SequenceAllocator: Sendable {
  /// How many numbers one durable reservation covers.
  public static let blockSize: UInt64 = 10_000

  private let layout: SpoolLayout
  private var next: UInt64
  private var reservedThrough: UInt64
  /// The identity of the `.seq-floor` file last read, to see when a shipper replaced it.
  private var floorStamp: FloorStamp?

  /// Loads the reservation, never going below `atLeast` (the highest number seen on disk plus one)
  /// nor to or below the floor a shipper recorded in `.seq-floor`.
  public init(layout: SpoolLayout, atLeast floor: UInt64) throws(SpoolError) {
    self.layout = layout
    let stored = try Self.readReservation(layout)
    next = max(stored ?? 1, floor, 1)
    floorStamp = FloorStamp(Self.floorFile(layout))
    if floorStamp != nil, let shipped = try Self.readFloor(layout) {
      next = max(next, shipped &+ 1)
    }
    reservedThrough = next
  }

  /// The number the next record will get, without consuming it.
  public var peek: UInt64 { next }

  /// Consumes and returns the next number, reserving a new block durably when needed.
  public mutating func take() throws(SpoolError) -> UInt64 {
    honourFloor()
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

  /// The file where a shipper records the highest number the database holds for this spool.
  public static func floorFile(_ layout: SpoolLayout) -> String { layout.root + "/.seq-floor" }

  /// Records durably that the database already holds numbers up to `highest` for the spool at
  /// `layout`, so that its allocator (now if running, else at its next start) continues above
  /// them. The floor only rises: a lower `highest` than recorded changes nothing. Returns whether
  /// the file changed.
  ///
  /// Written beside and renamed into place, so the allocator reads either the old or the new
  /// floor, never a partial one.
  @discardableResult
  public static func raiseFloor(_ layout: SpoolLayout, to highest: UInt64) throws(SpoolError)
    -> Bool
  {
    let path = floorFile(layout)
    // An unreadable floor is replaced: the database's number is the one that counts.
    if let current = try? readFloor(layout), current >= highest { return false }
    let temporary = path + ".tmp.\(getpid())"
    if POSIXFile.exists(temporary) { try POSIXFile.unlink(temporary) }
    try POSIXFile.writeNewDurably(temporary, Array("\(highest)\n".utf8))
    try POSIXFile.rename(temporary, path)
    try POSIXFile.fsyncDirectory(layout.root)
    return true
  }

  /// The recorded floor, or `nil` when there is none.
  public static func readFloor(_ layout: SpoolLayout) throws(SpoolError) -> UInt64? {
    let path = floorFile(layout)
    guard POSIXFile.exists(path) || POSIXFile.isSymbolicLink(path) else { return nil }
    let bytes = try POSIXFile.read(path)
    let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
    guard let value = UInt64(text) else {
      throw SpoolError(
        .corrupt,
        "\(path) does not hold a sequence number (found \(text.prefix(40).debugDescription)); "
          + "remove it and let the shipper write it again")
    }
    return value
  }

  /// Moves `next` above a floor a shipper raised while this allocator runs. A floor that cannot
  /// be read now is left for the next record: the number handed out meanwhile, should it reuse
  /// one, is caught by the shipper as a conflicting record and quarantined, not dropped.
  private mutating func honourFloor() {
    let stamp = FloorStamp(Self.floorFile(layout))
    guard stamp != floorStamp else { return }
    guard let shipped = try? Self.readFloor(layout) else { return }
    floorStamp = stamp
    if shipped >= next { next = shipped &+ 1 }
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

/// What tells one `.seq-floor` file from the next: the shipper replaces it by rename, so a new
/// floor has a new inode (and a new change time).
private struct FloorStamp: Equatable, Sendable {
  var inode: UInt64
  var changedSeconds: Int
  var changedNanoseconds: Int

  /// The stamp of the file at `path`, or `nil` when there is none.
  init?(_ path: String) {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    inode = UInt64(status.st_ino)
    changedSeconds = Int(status.st_ctim.tv_sec)
    changedNanoseconds = Int(status.st_ctim.tv_nsec)
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
