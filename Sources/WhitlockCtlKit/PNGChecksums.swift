/// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), the checksum of every PNG chunk.
public struct CRC32: Sendable {
  private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
    var value = UInt32(index)
    for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    return value
  }

  private var state: UInt32 = 0xFFFF_FFFF

  public init() {}

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8)
    }
  }

  /// The checksum of the bytes added so far.
  public var value: UInt32 { state ^ 0xFFFF_FFFF }

  /// The checksum of `bytes`.
  public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }
}

/// Adler-32 (RFC 1950), the checksum that ends a zlib stream.
public struct Adler32: Sendable {
  private var a: UInt32 = 1
  private var b: UInt32 = 0

  public init() {}

  /// Adds `bytes` to the checksum (reduced every 5552 bytes, the most that cannot overflow).
  public mutating func update(_ bytes: [UInt8]) {
    var index = 0
    while index < bytes.count {
      let end = min(bytes.count, index + 5552)
      for position in index..<end {
        a &+= UInt32(bytes[position])
        b &+= a
      }
      a %= 65521
      b %= 65521
      index = end
    }
  }

  /// The checksum of the bytes added so far.
  public var value: UInt32 { (b << 16) | a }

  /// The checksum of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var adler = Adler32()
    adler.update(bytes)
    return adler.value
  }
}
