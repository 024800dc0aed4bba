/// Little-endian packing and reading, the one implementation every protocol codec and device
/// emulation uses (OOI and OBP, the Wasatch EEPROM, DP5 status, the USB bridge): their
/// multi-byte fields are all little-endian.
public enum LittleEndian {
  /// Appends `value`'s bytes, least significant first.
  public static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
    var remaining = value
    for _ in 0..<(Value.bitWidth / 8) {
      bytes.append(UInt8(truncatingIfNeeded: remaining))
      remaining = remaining >> 8
    }
  }

  /// `value`'s bytes, least significant first.
  public static func bytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    var result: [UInt8] = []
    append(value, to: &result)
    return result
  }

  /// Reads a `Value` at `offset`; the caller guarantees the bytes are there.
  public static func read<Value: FixedWidthInteger>(
    _ type: Value.Type, from bytes: some RandomAccessCollection<UInt8>, at offset: Int
  ) -> Value {
    var value: Value = 0
    let start = bytes.index(bytes.startIndex, offsetBy: offset)
    for index in (0..<(Value.bitWidth / 8)).reversed() {
      value = value << 8 | Value(truncatingIfNeeded: bytes[bytes.index(start, offsetBy: index)])
    }
    return value
  }

  /// Reads a `Value` at `offset`, taking missing bytes past the end as zero (emulations parsing
  /// short host requests).
  public static func readPadded<Value: FixedWidthInteger>(
    _ type: Value.Type, from bytes: [UInt8], at offset: Int
  ) -> Value {
    var value: Value = 0
    for index in (0..<(Value.bitWidth / 8)).reversed() where offset + index < bytes.count {
      value = value << 8 | Value(bytes[offset + index])
    }
    return value
  }
}
