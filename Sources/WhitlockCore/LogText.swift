/// Text made safe to print on one line of a log or a terminal.
public enum LogText {
  /// `text` with every control character (C0, DEL and C1) written as an escape: `\n`, `\r`, `\t`,
  /// else `\u{XX}`. Printable text, UTF-8 included, is unchanged, so a line break inside a value
  /// can never start a line of its own.
  public static func escaped(_ text: String) -> String { escaped(text, keepingLineBreaks: false) }

  /// Text a program prints to a terminal: as `escaped`, but its own line breaks (and tabs) stay,
  /// so a multi-line table still reads as one, while an escape sequence hidden in a device's
  /// serial or a record's id cannot move the cursor or rewrite the screen.
  public static func forTerminal(_ text: String) -> String {
    escaped(text, keepingLineBreaks: true)
  }

  private static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
    let needsEscape: (Unicode.Scalar) -> Bool = { scalar in
      isControl(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\t"))
    }
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      guard needsEscape(scalar) else {
        result.unicodeScalars.append(scalar)
        continue
      }
      switch scalar {
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      }
    }
    return result
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }
}
