import Foundation
import Testing

@testable import SpoolShipper

/// The password file is refused, naming the file, its mode and the fix, when another user could
/// read or change it, and is never followed through a link or opened as a FIFO.
@Suite("Password file")
struct PasswordFileTests {
  /// A password file with `mode` in a fresh directory; the directory is returned for removal.
  private static func file(mode: mode_t, text: String = "s3cret\n") throws -> (String, String) {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-pw-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/password"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    #expect(chmod(path, mode) == 0)
    return (directory, path)
  }

  @Test("0600, 0640 and 0400 are read; group read is allowed", arguments: [0o600, 0o640, 0o400])
  func acceptedModes(mode: Int) throws {
    let (directory, path) = try Self.file(mode: mode_t(mode))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try PasswordFile.read(path) == "s3cret")
  }

  @Test(
    "readable or writable by others, or writable by the group: refused with mode and fix",
    arguments: [
      (0o644, "is open to every user (mode 0644)"),
      (0o602, "is open to every user (mode 0602)"),
      (0o660, "is writable by its group (mode 0660)"),
      (0o620, "is writable by its group (mode 0620)"),
    ])
  func refusedModes(mode: Int, message: String) throws {
    let (directory, path) = try Self.file(mode: mode_t(mode))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect {
      try PasswordFile.read(path)
    } throws: { error in
      let text = "\(error)"
      return text.contains("password file \(path) \(message)")
        && text.contains("chmod 0640") && text.contains("LoadCredential=")
    }
  }

  @Test("a symbolic link is not followed, even to a good file")
  func symbolicLinkIsRefused() throws {
    let (directory, path) = try Self.file(mode: 0o600)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
    #expect {
      try PasswordFile.read(link)
    } throws: { error in
      "\(error)".contains("password file \(link) is a symbolic link; not followed")
    }
  }

  @Test("a FIFO is refused at once instead of blocking the open")
  func fifoIsRefused() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-pw-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let fifo = directory + "/password"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect {
      try PasswordFile.read(fifo)
    } throws: { error in
      "\(error)".contains("is not a regular file")
    }
  }

  @Test("a file of another unprivileged user is refused; root's and the reader's are taken")
  func owner() throws {
    let regular = S_IFREG | 0o640
    #expect(throws: Never.self) {
      try PasswordFile.check(path: "/p", mode: regular, owner: 0, reader: 1000)
    }
    #expect(throws: Never.self) {
      try PasswordFile.check(path: "/p", mode: regular, owner: 1000, reader: 1000)
    }
    #expect {
      try PasswordFile.check(path: "/p", mode: regular, owner: 1234, reader: 1000)
    } throws: { error in
      "\(error)".contains("belongs to user 1234, neither root nor the user reading it (1000)")
    }
  }
}
