/// Little-endian packing helpers; every multi-byte field of OOI and OBP is little-endian.
enum LittleEndian {
  static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
    var remaining = value
    for _ in 0..<(Value.bitWidth / 8) {
      bytes.append(UInt8(truncatingIfNeeded: remaining))
      remaining = remaining >> 8
    }
  }

  static func bytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    var result: [UInt8] = []
    append(value, to: &result)
    return result
  }

  /// Reads a `Value` at `offset`; the caller guarantees the bytes are there.
  static func read<Value: FixedWidthInteger>(
    _ type: Value.Type, from bytes: some RandomAccessCollection<UInt8>, at offset: Int
  ) -> Value {
    var value: Value = 0
    let start = bytes.index(bytes.startIndex, offsetBy: offset)
    for index in (0..<(Value.bitWidth / 8)).reversed() {
      value = value << 8 | Value(truncatingIfNeeded: bytes[bytes.index(start, offsetBy: index)])
    }
    return value
  }
}
