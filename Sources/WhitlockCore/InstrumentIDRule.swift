/// What an instrument id may look like: it appears in file names, metrics labels and URLs, so
/// the configuration loader and every tool that builds a name from a record check it.
public enum InstrumentIDRule {
  /// The rule in words, for error messages.
  public static let explanation = "must be 1–64 characters of letters, digits, '.', '_' or '-'"

  /// `id` as an error message shows it: quoted, control and non-ASCII characters escaped, and
  /// cut after 64 characters with its length, so a megabyte of junk or a terminal escape
  /// sequence never reaches the log verbatim.
  public static func quoted(_ id: String) -> String {
    var shown = ""
    for scalar in id.unicodeScalars.prefix(64) {
      if (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" {
        shown.unicodeScalars.append(scalar)
      } else {
        shown += "\\u{" + String(scalar.value, radix: 16) + "}"
      }
    }
    let count = id.unicodeScalars.count
    return "\"" + shown + "\"" + (count > 64 ? "… (\(count) characters)" : "")
  }

  /// Whether `id` may name an instrument (and so a file, a label or a URL segment).
  public static func isValid(_ id: String) -> Bool {
    guard (1...64).contains(id.utf8.count), id.first != "." else { return false }
    return id.utf8.allSatisfy { byte in
      (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || byte == 0x2E || byte == 0x5F || byte == 0x2D
    }
  }
}
