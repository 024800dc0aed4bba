/// When an open segment is closed and published into `new/`.
///
/// Whichever limit is reached first closes the segment. The defaults suit both a Raman
/// spectrometer at 100 spectra/s (a segment every few seconds, a few MB each) and an XRF detector
/// delivering one spectrum every 10 s (each result visible downstream within `maxAgeSeconds`).
public struct SegmentLimits: Sendable, Equatable {
  /// Records per segment.
  public var maxRecords: Int
  /// Bytes per segment.
  public var maxBytes: Int
  /// Seconds a segment may stay open after its first record: the bound on publication latency.
  public var maxAgeSeconds: Double

  public init(maxRecords: Int = 1000, maxBytes: Int = 32 << 20, maxAgeSeconds: Double = 5) {
    self.maxRecords = maxRecords
    self.maxBytes = maxBytes
    self.maxAgeSeconds = maxAgeSeconds
  }
}
