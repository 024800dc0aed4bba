extension Kernels {
  /// An inlinable e^(−t) for the Gaussian parts of the band profiles.
  ///
  /// The band fits evaluate a Gaussian at every pixel of a window for every band on every
  /// Levenberg–Marquardt step, and the call into libm (plus its slow underflow path far out in the
  /// wings) was the largest single cost of the pipeline. This version reduces t = n·ln 2 − r with a
  /// two-part ln 2 (Cody–Waite), evaluates e^(−r) on |r| ≤ ln 2 / 2 by a degree-13
  /// Taylor polynomial by Estrin's scheme (truncation error below 2⁻⁵³ relative) and scales by 2⁻ⁿ through the exponent bits. It agrees
  /// with libm's `exp` to a few units in the last place.
  ///
  /// Beyond `cutoff` it returns 0: e^(−60) ≈ 9·10⁻²⁷, far below the resolution of any sum it is
  /// added to (a band's Gaussian wing next to its own Lorentzian wing and the baseline).
  public enum FastExp {
    /// Arguments above which e^(−t) is taken as 0.
    @inlinable public static var cutoff: Double { 60 }

    @inlinable static var log2e: Double { 1.4426950408889634 }
    @inlinable static var ln2High: Double { 0.693_147_180_369_123_816_490 }  // 0x3FE62E42FEE00000
    @inlinable static var ln2Low: Double { 1.908_214_929_270_587_700_02e-10 }  // ln 2 − ln2High

    /// 1.5·2⁵²: adding it rounds to an integer held in the low bits of the result.
    @inlinable static var shifter: Double { 6_755_399_441_055_744.0 }

    /// e^(−t) for t ≥ 0 (negative t is clamped to 0, giving 1; NaN gives 0). Branch-free, so
    /// loops over pixels can be vectorised.
    @inlinable @inline(__always)
    public static func negative(_ t: Double) -> Double {
      let argument = Swift.min(Swift.max(t, 0), cutoff)
      let shifted = argument * log2e + shifter
      let n = shifted - shifter
      // e^(−t) = 2^(−n) · e^(−r), r = t − n·ln 2 ∈ [−ln2/2, ln2/2].
      let r = (argument - n * ln2High) - n * ln2Low
      let x = -r
      // Taylor coefficients 1/k! by Estrin's scheme: the same polynomial as Horner's rule with a
      // dependency chain of five multiply-adds instead of thirteen.
      let x2 = x * x
      let x4 = x2 * x2
      let x8 = x4 * x4
      let p01 = 1 + x
      let p23 = 0.5 + x * (1.0 / 6)
      let p45 = 1.0 / 24 + x * (1.0 / 120)
      let p67 = 1.0 / 720 + x * (1.0 / 5_040)
      let p89 = 1.0 / 40_320 + x * (1.0 / 362_880)
      let p1011 = 1.0 / 3_628_800 + x * (1.0 / 39_916_800)
      let p1213 = 1.0 / 479_001_600 + x * (1.0 / 6_227_020_800)
      let p03 = p01 + x2 * p23
      let p47 = p45 + x2 * p67
      let p811 = p89 + x2 * p1011
      let p07 = p03 + x4 * p47
      let p813 = p811 + x4 * p1213
      let p = p07 + x8 * p813
      let exponent = (1023 &- shifted.bitPattern) & 0x7FF
      let scale = Double(bitPattern: exponent &<< 52)
      return t <= cutoff ? p * scale : 0
    }
  }
}
