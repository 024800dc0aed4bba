/// A zlib (RFC 1950) stream of one fixed-Huffman deflate block (RFC 1951, §3.2.6), with
/// back-references found by a hash chain over a 32 KiB window: enough for map images, whose
/// rows and cells repeat, without linking a compression library into `whitlockctl`.
public enum Deflate {
  /// The zlib stream of `data`: header, one final fixed-Huffman block, Adler-32.
  public static func zlib(_ data: [UInt8]) -> [UInt8] {
    // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
    var out: [UInt8] = [0x78, 0x01]
    out.append(contentsOf: fixedHuffmanBlock(data))
    let adler = Adler32.checksum(data)
    out.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: adler >> $0) })
    return out
  }

  /// Base lengths of length codes 257…285 and their extra bits.
  static let lengthBases: [Int] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
  ]
  static let lengthExtraBits: [Int] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  /// Base distances of distance codes 0…29 and their extra bits.
  static let distanceBases: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtraBits: [Int] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
  ]

  /// The raw deflate data of `data` as one final block with the fixed Huffman codes.
  static func fixedHuffmanBlock(_ data: [UInt8]) -> [UInt8] {
    var bits = BitWriter()
    bits.write(1, count: 1)  // BFINAL
    bits.write(1, count: 2)  // BTYPE 01: fixed Huffman codes
    let count = data.count
    let window = 32768
    let hashSize = 1 << 15
    var head = [Int32](repeating: -1, count: hashSize)
    var previous = [Int32](repeating: -1, count: count)
    func hash(_ position: Int) -> Int {
      (Int(data[position]) << 10 ^ Int(data[position + 1]) << 5 ^ Int(data[position + 2]))
        & (hashSize - 1)
    }
    func insert(_ position: Int) {
      guard position + 2 < count else { return }
      let key = hash(position)
      previous[position] = head[key]
      head[key] = Int32(position)
    }
    var position = 0
    while position < count {
      var bestLength = 0
      var bestDistance = 0
      if position + 2 < count {
        var candidate = Int(head[hash(position)])
        var tries = 0
        let longest = min(258, count - position)
        while candidate >= 0, position - candidate <= window, tries < 32 {
          var length = 0
          while length < longest, data[candidate + length] == data[position + length] {
            length += 1
          }
          if length > bestLength {
            bestLength = length
            bestDistance = position - candidate
            if length == longest { break }
          }
          candidate = Int(previous[candidate])
          tries += 1
        }
      }
      if bestLength >= 3 {
        writeLength(bestLength, into: &bits)
        writeDistance(bestDistance, into: &bits)
        for offset in 0..<bestLength { insert(position + offset) }
        position += bestLength
      } else {
        writeSymbol(Int(data[position]), into: &bits)
        insert(position)
        position += 1
      }
    }
    writeSymbol(256, into: &bits)  // end of block
    return bits.finish()
  }

  /// A literal/length symbol (0…287) in its fixed code.
  static func writeSymbol(_ symbol: Int, into bits: inout BitWriter) {
    switch symbol {
    case 0...143: bits.writeCode(0x30 + symbol, length: 8)
    case 144...255: bits.writeCode(0x190 + symbol - 144, length: 9)
    case 256...279: bits.writeCode(symbol - 256, length: 7)
    default: bits.writeCode(0xC0 + symbol - 280, length: 8)
    }
  }

  private static func writeLength(_ length: Int, into bits: inout BitWriter) {
    var code = lengthBases.count - 1
    while lengthBases[code] > length { code -= 1 }
    writeSymbol(257 + code, into: &bits)
    bits.write(UInt32(length - lengthBases[code]), count: lengthExtraBits[code])
  }

  private static func writeDistance(_ distance: Int, into bits: inout BitWriter) {
    var code = distanceBases.count - 1
    while distanceBases[code] > distance { code -= 1 }
    bits.writeCode(code, length: 5)
    bits.write(UInt32(distance - distanceBases[code]), count: distanceExtraBits[code])
  }
}

/// Packs bits into bytes least significant bit first, as deflate stores them.
struct BitWriter {
  private(set) var bytes: [UInt8] = []
  private var buffer: UInt64 = 0
  private var filled = 0

  /// Writes the low `count` bits of `value`, least significant first (header fields, extra bits).
  mutating func write(_ value: UInt32, count: Int) {
    guard count > 0 else { return }
    buffer |= UInt64(value & ((1 << UInt32(count)) - 1)) << UInt64(filled)
    filled += count
    while filled >= 8 {
      bytes.append(UInt8(truncatingIfNeeded: buffer))
      buffer >>= 8
      filled -= 8
    }
  }

  /// Writes a Huffman code of `length` bits, most significant bit first.
  mutating func writeCode(_ code: Int, length: Int) {
    var reversed: UInt32 = 0
    for bit in 0..<length where code & (1 << (length - 1 - bit)) != 0 {
      reversed |= 1 << UInt32(bit)
    }
    write(reversed, count: length)
  }

  /// The bytes, the last one padded with zero bits.
  mutating func finish() -> [UInt8] {
    if filled > 0 {
      bytes.append(UInt8(truncatingIfNeeded: buffer))
      buffer = 0
      filled = 0
    }
    return bytes
  }
}
