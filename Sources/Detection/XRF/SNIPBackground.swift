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
  /// With `binning` k > 1 the clipping runs on runs of k channels averaged into one, with the
  /// window scaled to match, and the background is interpolated back onto every channel
  /// (linearly: it is smooth on the scale of the window): a quarter of the work for k = 2.
  static func estimate(
    counts: UnsafePointer<Double>, count n: Int, window m: Int, binning k: Int = 1,
    background: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
  ) {
    let coarseCount = n / max(k, 1)
    guard k > 1, coarseCount >= 8 else {
      clip(counts: counts, count: n, window: m, into: background, scratch: scratch)
      return
    }
    // Coarse means in the first part of `scratch`, their background in the second; `background`
    // serves as the clipping's second buffer.
    let means = scratch
    let coarse = scratch + coarseCount
    let scale = 1 / Double(k)
    for j in 0..<coarseCount {
      var sum = 0.0
      for i in (j * k)..<(j * k + k) { sum += counts[i] }
      means[j] = sum * scale
    }
    clip(
      counts: means, count: coarseCount, window: max(m / k, 1), into: coarse, scratch: background)
    // Coarse point j sits at channel j·k + (k − 1)/2.
    let offset = Double(k - 1) / 2
    for i in 0..<n {
      let position = (Double(i) - offset) * scale
      let j = min(max(Int(position.rounded(.down)), 0), coarseCount - 2)
      let t = position - Double(j)
      background[i] = max(coarse[j] + t * (coarse[j + 1] - coarse[j]), 0)
    }
  }

  /// SNIP on the LLS transform of `counts[0..<n]` into `background`, `scratch` the other of the
  /// two buffers each clipping pass reads from and writes to.
  private static func clip(
    counts: UnsafePointer<Double>, count n: Int, window m: Int,
    into background: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
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
