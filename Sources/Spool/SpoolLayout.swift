/// The spool's directories: the contract with every program that reads whitlockd's output.
///
/// - `tmp/`: segments being written; consumers never look here.
/// - `new/`: complete segments, written, fsync'd, renamed and the directory fsync'd.
/// - `cur/`: optional; a consumer moves a segment here once it has taken it.
/// - `quarantine/`: bytes that recovery could not turn into records (torn final lines), and
///   segments a consumer could not read, kept for inspection rather than deleted.
/// - `.spool-id`: the spool's identity, a UUID made once with the spool (`SpoolIdentity`).
public struct SpoolLayout: Sendable, Equatable {
  /// The spool's root directory.
  public let root: String

  public init(root: String) {
    var trimmed = root
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    self.root = trimmed
  }

  public var tmp: String { root + "/tmp" }
  public var new: String { root + "/new" }
  public var cur: String { root + "/cur" }
  public var quarantine: String { root + "/quarantine" }
  /// The file that reserves sequence numbers so they are never reused after a restart.
  public var sequenceFile: String { root + "/.seq" }
  /// The lock file that keeps two daemons out of one spool.
  public var lockFile: String { root + "/.lock" }
  /// The file holding the spool's durable identity (`SpoolIdentity`).
  public var identityFile: String { root + "/.spool-id" }

  /// Creates the root and its subdirectories if they are missing.
  public func create() throws(SpoolError) {
    var partial = root.hasPrefix("/") ? "" : "."
    for component in root.split(separator: "/") {
      partial += "/" + component
      try POSIXFile.makeDirectory(partial)
    }
    for directory in [tmp, new, cur, quarantine] { try POSIXFile.makeDirectory(directory) }
  }

  /// The file name of the segment whose first record has sequence number `firstSeq`.
  ///
  /// Names sort in sequence order, and cannot collide because sequence numbers are never reused.
  public static func segmentName(firstSeq: UInt64) -> String {
    let digits = String(firstSeq)
    return "seg-" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + ".ndjson"
  }
}
