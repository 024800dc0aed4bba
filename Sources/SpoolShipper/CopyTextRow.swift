/// One row of PostgreSQL's `COPY … FROM STDIN (FORMAT text)` data, built field by field.
///
/// The shipper streams acquisitions with `COPY` instead of multi-row `INSERT`: the server then
/// plans nothing per row and binds no parameters, which is most of what a 2048-pixel record cost
/// it. Fields are separated by a tab, the row ends with a newline, `\N` is NULL, and a backslash,
/// tab, newline or carriage return inside a value is written as `\\`, `\t`, `\n`, `\r`.
struct CopyTextRow: Sendable, Equatable {
  /// The row's bytes, the final newline included once `finish()` ran.
  private(set) var bytes: [UInt8] = []
  private var fields = 0

  init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// NULL.
  mutating func appendNull() {
    separate()
    bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
  }

  /// A text value (also uuid, timestamptz and jsonb, which the server parses from text).
  mutating func append(_ text: String?) {
    guard let text else { return appendNull() }
    separate()
    var value = text
    value.withUTF8 { utf8 in
      // Spool JSON is one line, so escaping is rare: copy runs between the bytes that need it.
      var start = 0
      for index in utf8.indices {
        let escaped: UInt8
        switch utf8[index] {
        case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
        case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
        case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
        case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
        default: continue
        }
        bytes += utf8[start..<index]
        bytes += [UInt8(ascii: "\\"), escaped]
        start = index + 1
      }
      bytes += utf8[start...]
    }
  }

  /// An integer value.
  mutating func append<Integer: BinaryInteger>(_ value: Integer?) {
    guard let value else { return appendNull() }
    separate()
    Self.write(Int64(value), to: &bytes)
  }

  /// A double-precision value, in the shortest form that reads back to the same value.
  mutating func append(_ value: Double?) {
    guard let value else { return appendNull() }
    separate()
    bytes += Self.text(value).utf8
  }

  /// A boolean value.
  mutating func append(_ value: Bool?) {
    guard let value else { return appendNull() }
    separate()
    bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
  }

  /// A `double precision[]` value: `{780.5,0.1}`.
  mutating func append(_ values: [Double]?) {
    guard let values else { return appendNull() }
    separate()
    bytes.append(UInt8(ascii: "{"))
    for (index, value) in values.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes += Self.text(value).utf8
    }
    bytes.append(UInt8(ascii: "}"))
  }

  /// An `integer[]` value: `{12,0,-3}`; the raw counts of a spectrum.
  mutating func append(_ values: [Int32]) {
    separate()
    bytes.reserveCapacity(bytes.count + values.count * 7 + 2)
    bytes.append(UInt8(ascii: "{"))
    for (index, value) in values.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      Self.write(Int64(value), to: &bytes)
    }
    bytes.append(UInt8(ascii: "}"))
  }

  /// Ends the row.
  mutating func finish() {
    bytes.append(UInt8(ascii: "\n"))
  }

  private mutating func separate() {
    if fields > 0 { bytes.append(UInt8(ascii: "\t")) }
    fields += 1
  }

  /// PostgreSQL spells the non-finite values `NaN`, `Infinity` and `-Infinity`.
  private static func text(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    return value.description
  }

  /// Decimal digits of `value`, without going through `String`.
  private static func write(_ value: Int64, to bytes: inout [UInt8]) {
    var magnitude = value.magnitude
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    guard magnitude > 0 else {
      bytes.append(UInt8(ascii: "0"))
      return
    }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      while magnitude > 0 {
        buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      }
      bytes += buffer[(24 - count)...]
    }
  }
}
