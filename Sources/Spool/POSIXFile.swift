#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin, checked wrappers over the POSIX calls that make the spool durable.
///
/// Every failure becomes a `SpoolError` naming the operation, the path and `strerror(errno)`.
enum POSIXFile {
  static func failure(_ operation: String, _ path: String, errno code: Int32 = errno) -> SpoolError
  {
    let reason = String(cString: strerror(code))
    let kind: SpoolError.Kind = (code == ENOSPC || code == EDQUOT) ? .noSpace : .io
    return SpoolError(kind, "\(operation) \(path): \(reason)", errno: code)
  }

  /// Opens `path` with `flags`, retrying on EINTR.
  static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SpoolError) -> Int32
  {
    while true {
      let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
      if fd >= 0 { return fd }
      if errno != EINTR { throw failure("cannot open", path) }
    }
  }

  /// Writes all of `bytes`, handling short writes and EINTR.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SpoolError) {
    let code: Int32 = bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return 0
    }
    if code != 0 { throw failure("cannot write", path, errno: code) }
  }

  static func fsync(_ fd: Int32, path: String) throws(SpoolError) {
    while Glibc.fsync(fd) != 0 {
      if errno != EINTR { throw failure("cannot fsync", path) }
    }
  }

  /// Makes a directory's entries (creations, renames) durable.
  static func fsyncDirectory(_ path: String) throws(SpoolError) {
    let fd = try open(path, O_RDONLY | O_DIRECTORY)
    defer { Glibc.close(fd) }
    try fsync(fd, path: path)
  }

  static func rename(_ from: String, _ to: String) throws(SpoolError) {
    if Glibc.rename(from, to) != 0 { throw failure("cannot rename \(from) to", to) }
  }

  /// The most a reader takes from one spool file. The writer closes segments at
  /// `SegmentLimits.maxBytes` (32 MiB by default) plus one record; anything far larger was not
  /// written by whitlockd, and reading it whole could exhaust memory.
  static let readLimit = 1 << 30

  /// Opens a spool file for reading without following a symbolic link or blocking on a FIFO,
  /// and only if it is a regular file; returns the descriptor and the file's size.
  static func openRegularFile(_ path: String) throws(SpoolError) -> (fd: Int32, size: Int) {
    var fd: Int32 = -1
    while fd < 0 {
      fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
      if fd >= 0 { break }
      let code = errno
      if code == EINTR { continue }
      if code == ELOOP {
        throw SpoolError(.notRegularFile, "\(path) is a symbolic link; not followed")
      }
      throw failure("cannot open", path, errno: code)
    }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      let failure = failure("cannot stat", path)
      Glibc.close(fd)
      throw failure
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      Glibc.close(fd)
      throw SpoolError(
        .notRegularFile, "\(path) is not a regular file (\(fileType(status.st_mode))); not read")
    }
    let size = max(0, Int(status.st_size))
    guard size <= readLimit else {
      Glibc.close(fd)
      throw SpoolError(
        .corrupt, "\(path) holds \(size) bytes, more than a spool file can (\(readLimit)); not read"
      )
    }
    return (fd, size)
  }

  /// The kind of a non-regular file, for messages.
  private static func fileType(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFDIR: return "a directory"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "mode \(String(mode, radix: 8))"
    }
  }

  /// Reads a whole regular file (see `openRegularFile`).
  static func read(_ path: String) throws(SpoolError) -> [UInt8] {
    var result: [UInt8] = []
    try read(path, into: &result)
    return result
  }

  /// Replaces `buffer`'s contents with the file's, keeping its storage: a reused buffer is
  /// neither zeroed nor faulted in again.
  static func read(_ path: String, into buffer: inout [UInt8]) throws(SpoolError) {
    let (fd, size) = try openRegularFile(path)
    defer { Glibc.close(fd) }
    // Read straight into an array of the file's size (a segment is megabytes: growing an array
    // chunk by chunk copies it several times), then on in chunks should the file have grown.
    if buffer.count > size {
      buffer.removeLast(buffer.count - size)
    } else if buffer.count < size {
      buffer.append(contentsOf: repeatElement(0, count: size - buffer.count))
    }
    var filled = 0
    while filled < size {
      let count = buffer.withUnsafeMutableBytes {
        Glibc.read(fd, $0.baseAddress! + filled, size - filled)
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 { throw failure("cannot read", path) }
      if count == 0 { break }
      filled += count
    }
    if filled < size { buffer.removeLast(size - filled) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw failure("cannot read", path)
      }
      if count == 0 { return }
      guard buffer.count + count <= readLimit else {
        throw SpoolError(.corrupt, "\(path) grew past \(readLimit) bytes while read; not read")
      }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  /// Writes `bytes` to a new file at `path` and makes it durable; fails if the file exists.
  static func writeNewDurably(_ path: String, _ bytes: [UInt8]) throws(SpoolError) {
    let fd = try open(path, O_WRONLY | O_CREAT | O_EXCL)
    defer { Glibc.close(fd) }
    try writeAll(fd, bytes, path: path)
    try fsync(fd, path: path)
  }

  /// Names of the regular entries in a directory, sorted, without `.` and `..` and hidden files.
  static func list(_ directory: String) throws(SpoolError) -> [String] {
    guard let dir = opendir(directory) else { throw failure("cannot list", directory) }
    defer { closedir(dir) }
    var names: [String] = []
    // A dirent is only as long as its name: read `d_name` in place up to its NUL, never copy
    // the declared 256-byte field (that reads past the last entry of readdir's buffer, which
    // AddressSanitizer reported).
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
    while let entry = readdir(dir) {
      let name = String(
        cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(
          to: CChar.self))
      if name.hasPrefix(".") { continue }
      names.append(name)
    }
    return names.sorted()
  }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// Whether `path` itself is a symbolic link (not followed).
  static func isSymbolicLink(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
  }

  static func makeDirectory(_ path: String) throws(SpoolError) {
    if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("cannot create directory", path) }
  }

  static func unlink(_ path: String) throws(SpoolError) {
    if Glibc.unlink(path) != 0 { throw failure("cannot remove", path) }
  }
}
