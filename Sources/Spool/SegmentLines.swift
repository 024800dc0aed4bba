import WhitlockCore

/// Splits a segment's bytes into newline-terminated lines and a trailing torn fragment.
struct SegmentLines {
  /// Lines that ended with a newline, without it.
  var complete: [ArraySlice<UInt8>] = []
  /// Bytes after the last newline: a record whose write was interrupted.
  var tornTail: ArraySlice<UInt8> = []

  init(_ bytes: [UInt8]) {
    var start = 0
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0A {
        complete.append(bytes[start..<index])
        start = index + 1
      }
      index += 1
    }
    tornTail = bytes[start..<bytes.count]
  }
}

/// Reads the few members of a record line that spool maintenance needs.
enum RecordLine {
  /// The `seq` of a line that is a JSON object with a positive integer `seq`, else `nil`.
  static func sequence(of line: ArraySlice<UInt8>) -> UInt64? {
    guard let value = try? JSONParser.parse(line), case .int(let seq)? = value["seq"], seq > 0
    else { return nil }
    return UInt64(seq)
  }
}
