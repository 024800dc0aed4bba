/// Which bulk endpoints a spectrum comes from and how many bytes each.
///
/// Pixels are u16 LE. An FX2 device with 2048 pixels sends 1024 pixels on EP 0x82 and then 1024
/// on EP 0x86; every other device sends all of them on 0x82 (wasatch 2.5.2
/// `FeatureIdentificationDevice.get_spectrum`).
public struct WasatchSpectrumReadPlan: Sendable, Equatable {
  public var reads: [(endpoint: UInt8, bytes: Int)]

  public init(pixels: Int, arm: Bool) {
    if pixels == 2048 && !arm {
      reads = [(0x82, 2048), (0x86, 2048)]
    } else {
      reads = [(0x82, pixels * 2)]
    }
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.reads.map(\.endpoint) == rhs.reads.map(\.endpoint)
      && lhs.reads.map(\.bytes) == rhs.reads.map(\.bytes)
  }

  /// Pixels from the concatenated reads.
  public static func pixels(_ bytes: [UInt8]) -> [UInt32] {
    stride(from: 0, to: bytes.count - 1, by: 2).map {
      UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8
    }
  }
}
