import Foundation

/// Reads a PostgreSQL password from a file that only its owner can read, so the password never
/// appears in a URL, a configuration file or `ps`.
///
/// The file holds the password on its first line (a trailing newline is ignored).
public enum PasswordFile {
  /// The password in `path`, or an error naming the file and what is wrong with it.
  public static func read(_ path: String) throws(PasswordFileError) -> String {
    let attributes: [FileAttributeKey: Any]
    do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
      throw PasswordFileError(path: path, message: "cannot read: no such file or not accessible")
    }
    if let mode = attributes[.posixPermissions] as? Int, mode & 0o007 != 0 {
      throw PasswordFileError(
        path: path,
        message: "is readable by every user (mode \(String(mode, radix: 8))); chmod 600 or 640 it")
    }
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)
    else { throw PasswordFileError(path: path, message: "cannot read or is not UTF-8 text") }
    let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
      .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    guard !password.isEmpty else {
      throw PasswordFileError(path: path, message: "is empty; its first line must be the password")
    }
    return password
  }
}

/// A password file that cannot be used.
public struct PasswordFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String
  public var description: String { "password file \(path) \(message)" }
}
