/// One ASCII configuration command, `KEY=VALUE;`.
///
/// Syntax from the Programmer's Guide's "ASCII configuration file format" page and Amptek's SDK:
/// a 4-letter upper-case mnemonic, `=`, a value without whitespace, `;` (protocols-detail.md §1.6).
public struct DP5TextCommand: Sendable, Hashable, CustomStringConvertible {
  /// The 4-letter mnemonic, e.g. `MCAC`.
  public var key: String
  /// The value, e.g. `2048`, `OFF` or `?` for a read-back.
  public var value: String

  /// Creates a command without checking it; see `DP5TextSettings.validate`.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }

  /// `KEY=VALUE;`.
  public var description: String { "\(key)=\(value);" }

  /// Whether `key` has the mnemonic shape: exactly four characters A–Z or 0–9, first a letter.
  public static func isWellFormedKey(_ key: String) -> Bool {
    let bytes = Array(key.utf8)
    guard bytes.count == 4, (0x41...0x5A).contains(bytes[0]) else { return false }
    return bytes.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
  }

  /// Whether `value` may travel in a command: 1–32 printable ASCII characters other than space,
  /// `=` and `;`.
  public static func isWellFormedValue(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    guard (1...32).contains(bytes.count) else { return false }
    return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3D && $0 != 0x3B }
  }

  /// Parses `KEY=VALUE;KEY=VALUE;…` (the last `;` optional, whitespace and line breaks between
  /// commands ignored). Returns `nil` for text that is not a command list.
  public static func parseList(_ text: String) -> [DP5TextCommand]? {
    var commands: [DP5TextCommand] = []
    for piece in text.split(separator: ";", omittingEmptySubsequences: false) {
      let trimmed = piece.trimmingCharacters(in: " \r\n\t")
      if trimmed.isEmpty { continue }
      let parts = trimmed.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2 else { return nil }
      commands.append(DP5TextCommand(key: String(parts[0]), value: String(parts[1])))
    }
    return commands
  }

  /// Joins commands into packet-sized texts of at most `limit` bytes each (requests carry at most
  /// 512 data bytes; ckoern splits at 511).
  public static func packetTexts(_ commands: [DP5TextCommand], limit: Int = 511) -> [String] {
    var texts: [String] = []
    var current = ""
    for command in commands {
      let piece = command.description
      if !current.isEmpty, current.utf8.count + piece.utf8.count > limit {
        texts.append(current)
        current = ""
      }
      current += piece
    }
    if !current.isEmpty { texts.append(current) }
    return texts
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> Substring {
    var slice = self[...]
    while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
    return slice
  }
}
