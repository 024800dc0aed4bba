#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on a spool directory, so two daemons can never interleave sequence numbers.
///
/// The lock is an `flock` on `.lock`, released by the kernel when the process dies, so a crash
/// never leaves a stale lock behind. The holder's pid is written into the file for the error text.
public final class SpoolLock: Sendable {
  private let fd: Int32

  /// Takes the lock or fails at once, naming the process that holds it.
  public init(layout: SpoolLayout) throws(SpoolError) {
    let path = layout.lockFile
    // Never through a link: the lock file is truncated and written, and a link planted in the
    // spool would turn that on whatever file it names.
    let fd: Int32
    do { fd = try POSIXFile.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o644) } catch {
      if POSIXFile.isSymbolicLink(path) {
        throw SpoolError(
          .notRegularFile, "\(path) is a symbolic link; remove it (whitlockd makes a plain file)")
      }
      throw error
    }
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      close(fd)
      throw SpoolError(.notRegularFile, "\(path) is not a regular file; remove it")
    }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let holder = (try? POSIXFile.read(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      close(fd)
      throw SpoolError(
        .locked,
        "spool \(layout.root) is in use by another whitlockd (pid \(holder.trimmingWhitespace)); "
          + "stop it or choose another --spool")
    }
    _ = ftruncate(fd, 0)
    let pid = Array("\(getpid())\n".utf8)
    _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    self.fd = fd
  }

  deinit { close(fd) }
}
