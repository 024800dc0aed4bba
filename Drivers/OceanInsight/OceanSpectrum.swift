import WhitlockCore

/// One unpacked Ocean Insight spectrum.
public struct OceanSpectrum: Sendable, Equatable {
  /// Counts per readout pixel, with the model's bit fixes applied.
  public var counts: [UInt32]
  /// Metadata bytes that preceded the pixels (QE Pro: 32 bytes, layout undocumented).
  public var metadata: [UInt8]
  /// Mean of the electrically dark pixels, or `nil` for models without them.
  public var electricDarkMean: Double?
  /// Pixels at or above the model's saturation level.
  public var saturatedPixelCount: Int

  /// Why raw spectrum bytes could not be unpacked.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(expected: Int, received: Int)
    /// The OOI spectrum did not end in the sync byte 0x69: the stream is out of step.
    case missingSyncByte(found: UInt8)

    public var description: String {
      switch self {
      case .wrongLength(let expected, let received):
        return "spectrum has \(received) bytes, expected \(expected)"
      case .missingSyncByte(let found):
        return "spectrum ends in 0x\(String(found, radix: 16)), not the sync byte 0x69"
      }
    }
  }

  /// Unpacks `raw` as `model` sends it: u16 or u32 little-endian pixels, the OOI sync byte 0x69
  /// (libseabreeze `FPGASpectrumExchange.cpp`), per-model bit flips (python-seabreeze
  /// `features/spectrometer.py`: HR4000 XOR 0x2000, QE65000 XOR 0x8000) and QE Pro metadata.
  public init(raw: [UInt8], model: OceanModel) throws(Failure) {
    guard raw.count == model.rawSpectrumLength else {
      throw .wrongLength(expected: model.rawSpectrumLength, received: raw.count)
    }
    var counts = [UInt32](repeating: 0, count: model.pixelCount)
    switch model.spectrumFormat {
    case .ooiWords(let flipMask):
      guard raw[raw.count - 1] == 0x69 else { throw .missingSyncByte(found: raw[raw.count - 1]) }
      for pixel in 0..<model.pixelCount {
        let word = UInt16(raw[2 * pixel]) | UInt16(raw[2 * pixel + 1]) << 8
        counts[pixel] = UInt32(word ^ flipMask)
      }
      metadata = []
    case .obpWords:
      for pixel in 0..<model.pixelCount {
        counts[pixel] = UInt32(raw[2 * pixel]) | UInt32(raw[2 * pixel + 1]) << 8
      }
      metadata = []
    case .obpLongWordsWithMetadata(let length):
      metadata = Array(raw[0..<length])
      for pixel in 0..<model.pixelCount {
        counts[pixel] = LittleEndian.read(UInt32.self, from: raw, at: length + 4 * pixel)
      }
    }
    self.counts = counts
    let dark = model.darkPixelIndices.filter { $0 < counts.count }
    electricDarkMean =
      dark.isEmpty ? nil : dark.reduce(0.0) { $0 + Double(counts[$1]) } / Double(dark.count)
    saturatedPixelCount = counts.reduce(0) { $0 + ($1 >= model.saturationLevel ? 1 : 0) }
  }
}
