import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The spool's durable identity: a random UUID made once, when the spool is first used, and kept
/// in `.spool-id` in its root.
///
/// Every consumer that copies records elsewhere keys them by (identity, `seq`): sequence numbers
/// are unique within one spool only, so two instrument hosts (or a spool rebuilt from scratch)
/// never collide, and a record shipped twice is recognised as the same record.
///
/// The file is created crash-safely and never replaced: the UUID is written to a private
/// temporary file, fsync'd, then `link(2)`ed to `.spool-id` (which, unlike `rename`, fails when
/// the name exists, so two processes creating it at once agree on the first one), and the root
/// directory is fsync'd.
public struct SpoolIdentity: Sendable, Equatable, CustomStringConvertible {
  /// The identity in canonical lower-case UUID form.
  public let uuid: String

  public var description: String { uuid }

  /// Parses the canonical form (`8-4-4-4-12` lower-case hex digits), or returns `nil`.
  public init?(uuid text: String) {
    guard Self.isCanonical(text) else { return nil }
    uuid = text
  }

  /// The spool's identity, created now if the spool has none yet.
  public static func loadOrCreate(_ layout: SpoolLayout) throws(SpoolError) -> SpoolIdentity {
    if let existing = try load(layout) { return existing }
    let fresh = UUID().uuidString.lowercased()
    let temporary = layout.identityFile + ".\(getpid()).tmp"
    if POSIXFile.exists(temporary) { try POSIXFile.unlink(temporary) }
    try POSIXFile.writeNewDurably(temporary, Array((fresh + "\n").utf8))
    let linked = link(temporary, layout.identityFile) == 0
    let linkErrno = errno
    try POSIXFile.unlink(temporary)
    if !linked && linkErrno != EEXIST {
      throw POSIXFile.failure("cannot create", layout.identityFile, errno: linkErrno)
    }
    try POSIXFile.fsyncDirectory(layout.root)
    // Whoever linked first won; read back what is on disk rather than trusting `fresh`.
    guard let stored = try load(layout) else {
      throw SpoolError(.io, "\(layout.identityFile) vanished right after it was created")
    }
    return stored
  }

  /// The spool's identity, or `nil` when it has none yet.
  public static func load(_ layout: SpoolLayout) throws(SpoolError) -> SpoolIdentity? {
    guard POSIXFile.exists(layout.identityFile) else { return nil }
    let text = String(decoding: try POSIXFile.read(layout.identityFile), as: UTF8.self)
      .trimmingWhitespace
    guard let identity = SpoolIdentity(uuid: text) else {
      throw SpoolError(
        .corrupt,
        "\(layout.identityFile) does not hold a spool id (found \(text.prefix(40).debugDescription)); "
          + "records already shipped are keyed by it, so restore it from a backup (or from "
          + "whitlock.spools in the database) instead of deleting it")
    }
    return identity
  }

  private static func isCanonical(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 36 else { return false }
    for (index, byte) in bytes.enumerated() {
      if [8, 13, 18, 23].contains(index) {
        guard byte == UInt8(ascii: "-") else { return false }
      } else {
        guard (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) else { return false }
      }
    }
    return true
  }
}
