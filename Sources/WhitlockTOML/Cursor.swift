/// A read position in the UTF-8 bytes of a TOML text that keeps the line and column up to date,
/// so every token and every error can be located.
struct Cursor {
  /// The whole text as UTF-8.
  let bytes: [UInt8]
  /// The index of the next byte to read.
  private(set) var offset: Int
  /// The 1-based line of the next byte.
  private(set) var line = 1
  /// The 1-based column of the next byte, counted in Unicode scalars.
  private(set) var column = 1

  /// Starts at the beginning of `text`, skipping a byte-order mark if there is one.
  init(text: String) {
    bytes = Array(text.utf8)
    offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
  }

  /// The next byte, or nil at the end of the text.
  var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

  /// The byte `distance` bytes after the next one, or nil past the end of the text.
  func peek(_ distance: Int) -> UInt8? {
    let index = offset + distance
    return index < bytes.count ? bytes[index] : nil
  }

  /// Where the next byte is.
  var position: SourcePosition { SourcePosition(line: line, column: column) }

  /// Moves past one byte, counting lines at line feeds and columns at the first byte of each
  /// UTF-8 sequence.
  mutating func advance() {
    guard offset < bytes.count else { return }
    let byte = bytes[offset]
    offset += 1
    if byte == ASCII.lineFeed {
      line += 1
      column = 1
    } else if byte & 0xC0 != 0x80 {
      column += 1
    }
  }

  /// Moves past `count` bytes.
  mutating func advance(by count: Int) {
    for _ in 0..<count { advance() }
  }

  /// Moves past spaces and tabs.
  mutating func skipBlanks() {
    while let byte = current, ASCII.isBlank(byte) { advance() }
  }

  /// The next character described for an error message: quoted when printable, as a code point
  /// when it is a control character, or "end of file".
  var describeCurrent: String {
    guard let byte = current else { return "end of file" }
    switch byte {
    case ASCII.lineFeed: return "end of line"
    case ASCII.carriageReturn: return "carriage return"
    case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
    case 0..<0x80: return "control character \(Self.codePoint(UInt32(byte)))"
    default:
      var iterator = bytes[offset...].makeIterator()
      var decoder = UTF8()
      if case .scalarValue(let scalar) = decoder.decode(&iterator) {
        return "'\(Character(scalar))' (\(Self.codePoint(scalar.value)))"
      }
      return "invalid UTF-8"
    }
  }

  /// `U+XXXX` notation for a code point.
  static func codePoint(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
