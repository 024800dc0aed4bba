#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SNIP background (Ryan et al., NIM B 34 (1988) 396) on the log-log-square-root (LLS) transform:
/// v = ln(ln(√(y + 1) + 1) + 1), then for window p = 1…m each point is clipped to the mean of its
/// neighbours p channels away, then the transform is undone. Peaks narrower than the window are
/// removed; the broad continuum is kept.
enum SNIPBackground {
  /// Writes the background of `counts[0..<n]` into `background`; `scratch` holds `n` elements.
  static func estimate(
    counts: UnsafePointer<Double>, count n: Int, window m: Int,
    background: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
  ) {
    for i in 0..<n {
      let y = max(counts[i], 0)
      background[i] = log(log((y + 1).squareRoot() + 1) + 1)
    }
    if m >= 1 {
      for p in 1...m where 2 * p < n {
        for i in p..<(n - p) {
          scratch[i] = min(background[i], (background[i - p] + background[i + p]) / 2)
        }
        for i in p..<(n - p) { background[i] = scratch[i] }
      }
    }
    for i in 0..<n {
      let a = exp(exp(background[i]) - 1) - 1
      background[i] = max(a * a - 1, 0)
    }
  }
}
