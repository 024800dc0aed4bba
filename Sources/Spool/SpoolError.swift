/// A spool failure with the path and the system's reason, phrased for the log.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure, so callers can choose a recovery (e.g. wait for disk space).
  public enum Kind: String, Sendable {
    /// The filesystem is full or over quota: retry once space returns.
    case noSpace = "no-space"
    /// The spool is locked by another process.
    case locked
    /// Any other I/O failure.
    case io
    /// A file in the spool is not what whitlockd writes.
    case corrupt
    /// An entry is not a regular file (a symbolic link, FIFO, device or directory): whitlockd
    /// never makes one, so it is named and left alone, never opened or followed.
    case notRegularFile = "not-regular-file"
  }

  public var kind: Kind
  public var message: String
  /// The system's error number when a system call failed, for logs and for the writer's choice
  /// between rolling back (no space) and abandoning a file (anything else).
  public var errno: Int32?

  public init(_ kind: Kind, _ message: String, errno: Int32? = nil) {
    self.kind = kind
    self.message = message
    self.errno = errno
  }

  public var description: String { message }
}
