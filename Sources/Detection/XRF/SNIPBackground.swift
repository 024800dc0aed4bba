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
  /// Writes the background of `counts[0..<n]` into `background`; `scratch` holds `n` elements
  /// and is the other of the two buffers each clipping pass reads from and writes to.
  static func estimate(
    counts: UnsafePointer<Double>, count n: Int, window m: Int,
    background: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
  ) {
    for i in 0..<n {
      let y = max(counts[i], 0)
      background[i] = log(log((y + 1).squareRoot() + 1) + 1)
    }
    var source = background
    var target = scratch
    if m >= 1 {
      for p in 1...m where 2 * p < n {
        for i in 0..<p { target[i] = source[i] }
        for i in (n - p)..<n { target[i] = source[i] }
        for i in p..<(n - p) { target[i] = min(source[i], (source[i - p] + source[i + p]) / 2) }
        swap(&source, &target)
      }
    }
    for i in 0..<n {
      let a = exp(exp(source[i]) - 1) - 1
      background[i] = max(a * a - 1, 0)
    }
  }
}
