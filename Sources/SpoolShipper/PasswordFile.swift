import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a PostgreSQL password from a file that only its owner (and at most its group) can read,
/// so the password never appears in a URL, a configuration file or `ps`.
///
/// The file holds the password on its first line (a trailing newline is ignored). It is opened
/// without following a symbolic link and must be a regular file owned by root or by the user
/// reading it, with no permission for other users and no write permission for its group: one
/// that others could read leaks the password, and one that someone else could write lets them
/// point the shipper at a database of their choosing with a password of their choosing.
/// Group read is allowed, so the installed layout works: `root:whitlockd` mode 0640 (like
/// `whitlockd.toml` and the monitor's token file), or a systemd credential
/// (`LoadCredential=`, which systemd hands over as a 0400 file owned by the service).
public enum PasswordFile {
  /// How to make a file acceptable, for every refusal.
  static let remedy =
    "chown root:whitlockd it and chmod 0640 (or 0600), or deliver it with LoadCredential="

  /// The password in `path`, or an error naming the file and what is wrong with it.
  public static func read(_ path: String) throws(PasswordFileError) -> String {
    // O_NONBLOCK: a FIFO put in the file's place fails the regular-file check below instead of
    // blocking the open.
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ELOOP {
        throw PasswordFileError(
          path: path, message: "is a symbolic link; not followed (name the file itself)")
      }
      throw PasswordFileError(
        path: path, message: "cannot be opened: \(String(cString: strerror(code)))")
    }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      throw PasswordFileError(
        path: path, message: "cannot be examined: \(String(cString: strerror(errno)))")
    }
    try check(path: path, mode: status.st_mode, owner: status.st_uid, reader: geteuid())
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count <= 65536 {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count < 0 {
        throw PasswordFileError(
          path: path, message: "cannot be read: \(String(cString: strerror(errno)))")
      }
      if count == 0 { break }
      bytes += chunk[0..<count]
    }
    guard bytes.count <= 65536, let text = String(validating: bytes, as: UTF8.self) else {
      throw PasswordFileError(path: path, message: "is not a short UTF-8 text file")
    }
    let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
      .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    guard !password.isEmpty else {
      throw PasswordFileError(path: path, message: "is empty; its first line must be the password")
    }
    return password
  }

  /// Refuses a file that is not regular, that other users may read, write or run, that its
  /// group may write, or that belongs to someone other than root or `reader`.
  static func check(path: String, mode: mode_t, owner: uid_t, reader: uid_t)
    throws(PasswordFileError)
  {
    guard mode & S_IFMT == S_IFREG else {
      throw PasswordFileError(path: path, message: "is not a regular file")
    }
    let permissions = Int(mode & 0o7777)
    let octal = "0" + String(permissions, radix: 8)
    if permissions & 0o007 != 0 {
      throw PasswordFileError(
        path: path,
        message: "is open to every user (mode \(octal)); \(remedy)")
    }
    if permissions & 0o020 != 0 {
      throw PasswordFileError(
        path: path,
        message: "is writable by its group (mode \(octal)); \(remedy)")
    }
    if owner != 0 && owner != reader {
      throw PasswordFileError(
        path: path,
        message: "belongs to user \(owner), neither root nor the user reading it (\(reader)), "
          + "who could change it; \(remedy)")
    }
  }
}

/// A password file that cannot be used.
public struct PasswordFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String
  public var description: String { "password file \(path) \(message)" }
}
