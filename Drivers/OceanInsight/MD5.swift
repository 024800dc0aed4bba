import Foundation

/// MD5 (RFC 1321), used only as the optional integrity check of Ocean Binary Protocol messages.
///
/// Not for security: OBP devices put an MD5 of the header and payload in every message whose
/// checksum type is 1, and the driver and the device emulation both need to compute it.
public enum MD5 {
  /// Per-round left-rotation amounts (RFC 1321 §3.4).
  private static let shifts: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
  ]

  /// T[i] = floor(2³² · |sin(i + 1)|) (RFC 1321 §3.4); exact in double precision.
  private static let constants: [UInt32] = (0..<64).map { index in
    UInt32(
      truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296.0).rounded(.down)))
  }

  /// The 16-byte digest of `bytes`.
  public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var message = Array(bytes)
    let bitLength = UInt64(message.count) &* 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for shift in stride(from: 0, to: 64, by: 8) {
      message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    var a0: UInt32 = 0x6745_2301
    var b0: UInt32 = 0xEFCD_AB89
    var c0: UInt32 = 0x98BA_DCFE
    var d0: UInt32 = 0x1032_5476
    var words = [UInt32](repeating: 0, count: 16)
    for chunk in stride(from: 0, to: message.count, by: 64) {
      for index in 0..<16 {
        let base = chunk + index * 4
        words[index] =
          UInt32(message[base]) | UInt32(message[base + 1]) << 8 | UInt32(message[base + 2]) << 16
          | UInt32(message[base + 3]) << 24
      }
      var a = a0
      var b = b0
      var c = c0
      var d = d0
      for round in 0..<64 {
        var f: UInt32
        let g: Int
        switch round {
        case 0..<16:
          f = (b & c) | (~b & d)
          g = round
        case 16..<32:
          f = (d & b) | (~d & c)
          g = (5 * round + 1) % 16
        case 32..<48:
          f = b ^ c ^ d
          g = (3 * round + 5) % 16
        default:
          f = c ^ (b | ~d)
          g = (7 * round) % 16
        }
        f = f &+ a &+ constants[round] &+ words[g]
        a = d
        d = c
        c = b
        let shift = shifts[round]
        b = b &+ ((f << shift) | (f >> (32 - shift)))
      }
      a0 = a0 &+ a
      b0 = b0 &+ b
      c0 = c0 &+ c
      d0 = d0 &+ d
    }
    var result: [UInt8] = []
    result.reserveCapacity(16)
    for word in [a0, b0, c0, d0] {
      for shift in stride(from: 0, to: 32, by: 8) {
        result.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
      }
    }
    return result
  }
}
