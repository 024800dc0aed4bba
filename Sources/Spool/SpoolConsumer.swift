#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The reading side of the spool contract, for programs that take complete segments out of
/// `new/` (the PostgreSQL shipper): list them, read one, and mark it taken.
///
/// Several consumers may work on one spool at once: every operation tolerates a segment that
/// another consumer has already taken (`ENOENT`) and says so instead of failing.
public struct SpoolConsumer: Sendable {
  /// A complete segment waiting in `new/`.
  public struct Segment: Sendable, Equatable {
    /// File name, e.g. `seg-0000000000000001.ndjson`.
    public var name: String
    /// Size in bytes when listed.
    public var bytes: Int
  }

  /// What became of a segment the consumer finished with.
  public enum Outcome: Sendable, Equatable {
    /// Moved (or removed) by this consumer.
    case done
    /// Another consumer had already moved or removed it.
    case alreadyTaken
  }

  /// What happens to a segment once its records are safe elsewhere.
  public enum Disposal: String, Sendable, CaseIterable {
    /// Move it to `cur/` (kept on the host until an operator prunes it).
    case move
    /// Remove it.
    case delete
  }

  public let layout: SpoolLayout

  public init(layout: SpoolLayout) { self.layout = layout }

  /// The complete segments in `new/`, oldest first (names sort in sequence order).
  public func pending() throws(SpoolError) -> [Segment] {
    var segments: [Segment] = []
    for name in try POSIXFile.list(layout.new) where name.hasSuffix(".ndjson") {
      var info = stat()
      guard stat(layout.new + "/" + name, &info) == 0 else { continue }  // taken meanwhile
      segments.append(Segment(name: name, bytes: Int(info.st_size)))
    }
    return segments
  }

  /// The bytes of a pending segment, or `nil` when another consumer took it meanwhile.
  public func read(_ name: String) throws(SpoolError) -> [UInt8]? {
    let path = layout.new + "/" + name
    guard POSIXFile.exists(path) else { return nil }
    do { return try POSIXFile.read(path) } catch {
      if !POSIXFile.exists(path) { return nil }
      throw error
    }
  }

  /// Like `read(_:)`, into `buffer`, whose storage is kept for the next segment: a reader of
  /// many megabyte segments then does not fault in fresh memory for each. `false` when the
  /// segment is no longer in `new/`.
  public func read(_ name: String, into buffer: inout [UInt8]) throws(SpoolError) -> Bool {
    let path = layout.new + "/" + name
    guard POSIXFile.exists(path) else { return false }
    do { try POSIXFile.read(path, into: &buffer) } catch {
      if !POSIXFile.exists(path) { return false }
      throw error
    }
    return true
  }

  /// Moves a segment whose records are safe elsewhere to `cur/` (or removes it), durably.
  public func finish(_ name: String, disposal: Disposal) throws(SpoolError) -> Outcome {
    let from = layout.new + "/" + name
    switch disposal {
    case .move:
      try POSIXFile.makeDirectory(layout.cur)
      if Glibc.rename(from, layout.cur + "/" + name) != 0 {
        if errno == ENOENT { return .alreadyTaken }
        throw POSIXFile.failure("cannot rename \(from) to", layout.cur + "/" + name)
      }
      try POSIXFile.fsyncDirectory(layout.cur)
    case .delete:
      if Glibc.unlink(from) != 0 {
        if errno == ENOENT { return .alreadyTaken }
        throw POSIXFile.failure("cannot remove", from)
      }
    }
    try POSIXFile.fsyncDirectory(layout.new)
    return .done
  }

  /// Moves a segment that cannot be consumed into `quarantine/` with a `.reason` file beside it
  /// saying why, and returns the quarantined file's name. Nothing is deleted: fix the segment and
  /// move it back into `new/` to have it consumed.
  public func quarantine(_ name: String, reason: String) throws(SpoolError) -> String? {
    try POSIXFile.makeDirectory(layout.quarantine)
    var target = name + ".unshippable"
    var attempt = 1
    while POSIXFile.exists(layout.quarantine + "/" + target) {
      attempt += 1
      target = name + ".unshippable.\(attempt)"
    }
    let reasonPath = layout.quarantine + "/" + target + ".reason"
    if POSIXFile.exists(reasonPath) { try POSIXFile.unlink(reasonPath) }
    try POSIXFile.writeNewDurably(reasonPath, Array((reason + "\n").utf8))
    let from = layout.new + "/" + name
    if Glibc.rename(from, layout.quarantine + "/" + target) != 0 {
      let code = errno
      try? POSIXFile.unlink(reasonPath)
      if code == ENOENT { return nil }
      throw POSIXFile.failure(
        "cannot rename \(from) to", layout.quarantine + "/" + target, errno: code)
    }
    try POSIXFile.fsyncDirectory(layout.quarantine)
    try POSIXFile.fsyncDirectory(layout.new)
    return target
  }
}
