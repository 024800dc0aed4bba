/// Removes cosmic-ray spikes with the modified z-score of first differences (Whitaker & Hayes,
/// Chemometrics and Intelligent Laboratory Systems 179 (2018) 82–84).
///
/// For Δᵢ = yᵢ − yᵢ₋₁, z = 0.6745·(Δᵢ − median Δ) / MAD(Δ), median and MAD taken over at most
/// 512 evenly spaced differences (every one up to 513 pixels, every second at 2048). A pixel
/// whose |z| exceeds the threshold is flagged, the flags are widened by `dilationWavenumbers` on each side (a spike's
/// charge spreads over one to three pixels), and each flagged run is replaced by the straight line
/// between the nearest unflagged pixels. A run wider than `maximumWidthWavenumbers` is a real band,
/// not a cosmic ray, and is left alone, and so is a run whose top does not rise above both its
/// neighbours by the same limit (the flank of a steep band in a nearly noise-free spectrum). Only
/// positive spikes are removed (cosmic rays add charge). Widths are in cm⁻¹ so the behaviour does not change with
/// the pixel count.
///
/// Known limit: a band narrower than `maximumWidthWavenumbers` at very high SNR (a reference
/// mineral such as calcite, FWHM ≈ 5 cm⁻¹, at peak SNR in the hundreds) rises as abruptly as a
/// cosmic ray and can be taken for one; for such spectra raise the threshold or disable
/// despiking.
///
/// The default threshold of 25 (not the 3.5–7 often quoted) comes from `reference/science.md`: at
/// 7 the steep flanks of a strong 961/970 band are flagged at high SNR and the whitlockite
/// fraction error quadruples; 25 kept > 97 % spike recall with no false flags.
struct SpikeRemover {
  /// Most first differences the median and MAD are taken from.
  static let statisticsSample = 512

  /// Flags and replaces spikes in `values[0..<count]` on `axis`; returns the number of pixels
  /// replaced. `differences` and `mask` are scratch of `count` elements.
  static func remove(
    values: UnsafeMutablePointer<Double>, axis: UnsafePointer<Double>, count n: Int,
    threshold: Double, dilationWavenumbers: Double, maximumWidthWavenumbers: Double,
    differences: UnsafeMutablePointer<Double>, mask: UnsafeMutablePointer<Double>
  ) -> Int {
    guard n >= 5, threshold > 0 else { return 0 }
    let m = n - 1
    // The median and MAD come from at most `statisticsSample` evenly spaced differences: their
    // sampling error there is a few per cent of a limit that spikes exceed many times over, and
    // the cost no longer grows with the pixel count.
    let stride = (m + Self.statisticsSample - 1) / Self.statisticsSample
    var sampled = 0
    for i in Swift.stride(from: 0, to: m, by: stride) {
      differences[sampled] = values[i + 1] - values[i]
      sampled += 1
    }
    let median = Selection.median(differences, count: sampled, scratch: mask)
    sampled = 0
    for i in Swift.stride(from: 0, to: m, by: stride) {
      differences[sampled] = abs(values[i + 1] - values[i] - median)
      sampled += 1
    }
    let mad = Selection.median(differences, count: sampled, scratch: mask)
    guard mad > 0, mad.isFinite else { return 0 }
    let limit = threshold * mad / 0.6745
    // mask[i] = 1 for flagged pixels; first pass marks the pixel after each outlying step.
    for i in 0..<n { mask[i] = 0 }
    var any = false
    // A step up flags the pixel it rises into, a step down the pixel it falls from, so exactly
    // the raised pixels of a positive spike are flagged.
    for i in 0..<m {
      let step = values[i + 1] - values[i] - median
      guard abs(step) > limit else { continue }
      mask[step > 0 ? i + 1 : i] = 1
      any = true
    }
    guard any else { return 0 }
    let spacing = abs(axis[n - 1] - axis[0]) / Double(m)
    let dilation = spacing > 0 ? Int((dilationWavenumbers / spacing).rounded()) : 1
    let maximumRun = spacing > 0 ? max(Int((maximumWidthWavenumbers / spacing).rounded()), 1) : 3
    // Dilate: mark 2 for the widened pixels so the original flags stay recognisable.
    for i in 0..<n where mask[i] == 1 {
      for k in max(i - dilation, 0)...min(i + dilation, n - 1) where mask[k] == 0 { mask[k] = 2 }
    }
    var replaced = 0
    var i = 0
    while i < n {
      guard mask[i] != 0 else {
        i += 1
        continue
      }
      var end = i
      while end + 1 < n, mask[end + 1] != 0 { end += 1 }
      let runLength = end - i + 1
      // A cosmic ray is an isolated excursion: its top must rise above both neighbours by more
      // than the limit. A band flank (rising towards a higher neighbour) fails this test.
      var top = -Double.infinity
      for k in i...end { top = max(top, values[k]) }
      let neighbours = max(
        i > 0 ? values[i - 1] : -.infinity, end + 1 < n ? values[end + 1] : -.infinity)
      if runLength <= maximumRun + 2 * dilation, top - neighbours > limit {
        let left = i - 1
        let right = end + 1
        if left >= 0, right < n {
          let a = values[left]
          let b = values[right]
          for k in i...end {
            let t = Double(k - left) / Double(right - left)
            values[k] = a + (b - a) * t
          }
        } else {
          let edge = left >= 0 ? values[left] : values[right]
          for k in i...end { values[k] = edge }
        }
        replaced += runLength
      }
      i = end + 1
    }
    return replaced
  }
}
