/// The two measurement techniques whitlockd combines at one measurement point.
public enum InstrumentKind: String, Sendable, Hashable, CaseIterable {
  /// A Raman spectrometer: counts per pixel, axis in Raman shift (cm⁻¹).
  case raman
  /// An X-ray fluorescence detector with a multichannel analyser: counts per channel, axis in keV.
  case xrf
}
