/// An 8-bit RGB image and the text it carries.
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// Red, green, blue per pixel, rows top to bottom.
  public private(set) var pixels: [UInt8]

  /// A `width` × `height` image filled with `colour`.
  public init(width: Int, height: Int, colour: RGB) {
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 3)
    fill(x: 0, y: 0, width: width, height: height, colour)
  }

  /// Paints the rectangle (clipped to the image).
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB) {
    for row in max(0, y)..<min(height, y + h) {
      for column in max(0, x)..<min(width, x + w) { set(column, row, colour) }
    }
  }

  /// Paints one pixel (ignored outside the image).
  public mutating func set(_ x: Int, _ y: Int, _ colour: RGB) {
    guard (0..<width).contains(x), (0..<height).contains(y) else { return }
    let offset = (y * width + x) * 3
    pixels[offset] = colour.red
    pixels[offset + 1] = colour.green
    pixels[offset + 2] = colour.blue
  }

  /// The pixel at (`x`, `y`).
  public func pixel(_ x: Int, _ y: Int) -> RGB {
    let offset = (y * width + x) * 3
    return RGB(pixels[offset], pixels[offset + 1], pixels[offset + 2])
  }
}

/// An sRGB colour, 8 bits a channel.
public struct RGB: Sendable, Equatable, Hashable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }
}

/// Writes PNG files (ISO/IEC 15948): `IHDR` (8-bit RGB), `tEXt` chunks, one `IDAT` holding a
/// zlib stream (`Deflate`), `IEND`; each row filtered with None, Sub or Up, whichever leaves the
/// smallest sum of magnitudes (the usual heuristic).
public enum PNGEncoder {
  /// The PNG signature.
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The PNG file of `image`, with `text` as `tEXt` chunks (keyword, Latin-1 text).
  public static func encode(_ image: RGBImage, text: [(String, String)] = []) -> [UInt8] {
    var out = signature
    var header: [UInt8] = []
    header.append(contentsOf: bigEndian(UInt32(image.width)))
    header.append(contentsOf: bigEndian(UInt32(image.height)))
    // Depth 8, RGB, deflate, adaptive filters, no interlace.
    header.append(contentsOf: [8, 2, 0, 0, 0])
    appendChunk("IHDR", header, to: &out)
    for (keyword, value) in text {
      let latin1 = Array(
        keyword.unicodeScalars.compactMap { $0.value < 256 ? UInt8($0.value) : nil })
      let body = value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
      appendChunk("tEXt", latin1.prefix(79) + [0] + body, to: &out)
    }
    appendChunk("IDAT", Deflate.zlib(filtered(image)), to: &out)
    appendChunk("IEND", [], to: &out)
    return out
  }

  /// The scanlines, each preceded by its filter type.
  static func filtered(_ image: RGBImage) -> [UInt8] {
    let stride = image.width * 3
    var out: [UInt8] = []
    out.reserveCapacity((stride + 1) * image.height)
    var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 3)
    image.pixels.withUnsafeBufferPointer { pixels in
      for row in 0..<image.height {
        let start = row * stride
        for index in 0..<stride {
          let value = pixels[start + index]
          let left = index >= 3 ? pixels[start + index - 3] : 0
          let up = row > 0 ? pixels[start + index - stride] : 0
          candidates[0][index] = value
          candidates[1][index] = value &- left
          candidates[2][index] = value &- up
        }
        // Sum of the bytes as signed magnitudes: the smallest compresses best, as a rule.
        let costs = candidates.map { line in
          line.reduce(0) { $0 + Int(abs(Int(Int8(bitPattern: $1)))) }
        }
        let best = costs.indices.min { costs[$0] < costs[$1] } ?? 0
        out.append(UInt8(best))
        out.append(contentsOf: candidates[best])
      }
    }
    return out
  }

  private static func appendChunk(_ type: String, _ body: [UInt8], to out: inout [UInt8]) {
    out.append(contentsOf: bigEndian(UInt32(body.count)))
    let typed = Array(type.utf8) + body
    out.append(contentsOf: typed)
    out.append(contentsOf: bigEndian(CRC32.checksum(typed)))
  }

  private static func bigEndian(_ value: UInt32) -> [UInt8] {
    [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
  }
}
