import Foundation

/// The secret that guards the control endpoints, read from a file only its owner (and group) can
/// read and only its owner can write, so that other local users cannot start or stop runs or
/// replace the token.
public struct BearerToken: Sendable {
  /// Why a token file was refused.
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
  }

  /// Shortest token accepted, in bytes: anything shorter is guessable.
  public static let minimumLength = 16

  private let secret: [UInt8]

  /// Wraps a known secret (tests and tools).
  public init(secret: String) { self.secret = Array(secret.utf8) }

  /// Reads the token at `path`, refusing a file that other users may read or write or its group
  /// may write, a file that is not a regular file, and a token that is too short. Surrounding whitespace is ignored.
  public init(contentsOf path: String) throws(Refusal) {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw Refusal(
        description: "token file \(path): cannot read: \(String(cString: strerror(errno)))")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw Refusal(description: "token file \(path) is not a regular file")
    }
    let mode = info.st_mode & 0o777
    if mode & 0o006 != 0 {
      throw Refusal(
        description:
          "token file \(path) has mode \(String(mode, radix: 8)): it must not be readable or "
          + "writable by other users (run `chmod o-rwx \(path)`)")
    }
    if mode & 0o020 != 0 {
      throw Refusal(
        description:
          "token file \(path) has mode \(String(mode, radix: 8)): it must not be writable by its "
          + "group, or a group member could replace the token (run `chmod g-w \(path)`)")
    }
    guard let data = FileManager.default.contents(atPath: path), data.count <= 4096 else {
      throw Refusal(description: "token file \(path): cannot read it, or it exceeds 4096 bytes")
    }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.utf8.count >= Self.minimumLength else {
      throw Refusal(
        description:
          "token file \(path): the token must be at least \(Self.minimumLength) characters")
    }
    guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw Refusal(
        description: "token file \(path): the token must be printable ASCII without spaces")
    }
    secret = Array(text.utf8)
  }

  /// Whether an `Authorization` header value carries this token (`Bearer <token>`). The
  /// comparison takes the same time wherever the first difference is.
  /// Whether both tokens hold the same secret.
  public func sameSecret(as other: BearerToken) -> Bool { secret == other.secret }

  public func accepts(authorization header: String?) -> Bool {
    guard let header else { return false }
    let prefix = "Bearer "
    guard header.hasPrefix(prefix) else { return false }
    let offered = Array(header.utf8.dropFirst(prefix.utf8.count))
    var difference = UInt8(offered.count == secret.count ? 0 : 1)
    for index in 0..<secret.count {
      difference |= secret[index] ^ (index < offered.count ? offered[index] : 0)
    }
    return difference == 0
  }
}
