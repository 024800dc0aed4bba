import Spool

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps the records of a segment that cannot be shipped, without the records beside them: their
/// lines, verbatim, in `quarantine/SEGMENT.rejected` and why each was rejected (segment, line,
/// seq, reason) in `SEGMENT.rejected.reason`. The segment's other records ship and the segment
/// leaves `new/` as usual, so the quarantine file is the only copy of the rejected lines when
/// segments are deleted after shipping: it is made durable before the segment moves.
///
/// Shipping a segment again after a crash rejects the same lines; a quarantine file with exactly
/// those bytes is then reused rather than written twice.
struct RecordQuarantine {
  /// One rejected line: its bytes (without the newline) and the reason, which names the line.
  struct Entry: Sendable {
    var line: Int
    var bytes: [UInt8]
    var reason: String
  }

  let layout: SpoolLayout

  /// Writes `entries` of segment `name` to the quarantine durably and returns the file's name.
  func write(_ entries: [Entry], of name: String) throws(SpoolError) -> String {
    let directory = layout.quarantine
    if mkdir(directory, 0o755) != 0 && errno != EEXIST {
      throw failure("cannot create directory", directory)
    }
    var content: [UInt8] = []
    var reasons = ""
    for entry in entries.sorted(by: { $0.line < $1.line }) {
      content += entry.bytes
      content.append(0x0A)
      reasons += entry.reason + "\n"
    }
    var target = name + ".rejected"
    var attempt = 1
    while let existing = Self.contents(directory + "/" + target) {
      if existing == content { return target }
      attempt += 1
      target = name + ".rejected.\(attempt)"
    }
    let reasonPath = directory + "/" + target + ".reason"
    _ = unlink(reasonPath)
    // The reason first: a rejected-records file is never without its reasons.
    try writeDurably(reasonPath, Array(reasons.utf8))
    try writeDurably(directory + "/" + target, content)
    try fsyncDirectory(directory)
    return target
  }

  /// The bytes of a regular file at `path` (not followed if a link), or `nil`.
  private static func contents(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return errno == ENOENT ? nil : [] }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
      status.st_size <= 1 << 30
    else { return [] }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return count == 0 ? bytes : [] }
      bytes += chunk[0..<count]
    }
  }

  private func writeDurably(_ path: String, _ bytes: [UInt8]) throws(SpoolError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure("cannot create", path) }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes {
        Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw failure("cannot write", path) }
      offset += written
    }
    guard fsync(fd) == 0 else { throw failure("cannot fsync", path) }
  }

  private func fsyncDirectory(_ path: String) throws(SpoolError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw failure("cannot open", path) }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw failure("cannot fsync", path) }
  }

  private func failure(_ operation: String, _ path: String) -> SpoolError {
    let code = errno
    let kind: SpoolError.Kind = code == ENOSPC || code == EDQUOT ? .noSpace : .io
    return SpoolError(kind, "\(operation) \(path): \(String(cString: strerror(code)))")
  }
}
