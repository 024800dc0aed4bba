/// A short name for one spectrum's counts, so a device emulation and a spool reader can tell
/// whether the spectrum the device delivered is the one that was recorded (fault accounting).
///
/// FNV-1a (64-bit) over each count as a little-endian u32: fast, and the emulations' noise makes
/// two spectra with the same name vanishingly unlikely.
public enum SpectrumFingerprint {
  /// The fingerprint of `counts` as 16 hex digits.
  public static func of<Counts: Sequence>(_ counts: Counts) -> String
  where Counts.Element: BinaryInteger {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for count in counts {
      let value = UInt32(truncatingIfNeeded: count)
      for shift in stride(from: 0, to: 32, by: 8) {
        hash ^= UInt64(value >> UInt32(shift) & 0xFF)
        hash = hash &* 0x0000_0100_0000_01B3
      }
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
