/// Means of consecutive runs of points: how the detector bins a spectrum (or its axis) to a
/// coarser spacing.
enum RunMeans {
  /// Writes the mean of each run of `run` values of `source[0..<count]` into `target` and
  /// returns how many it wrote. A shorter last run is averaged too when `keepsShortRun`, and
  /// dropped otherwise.
  @discardableResult
  static func average(
    _ source: UnsafePointer<Double>, count: Int, run: Int,
    into target: UnsafeMutablePointer<Double>,
    keepsShortRun: Bool = false
  ) -> Int {
    let full = count / run
    let scale = 1 / Double(run)
    for j in 0..<full {
      var sum = 0.0
      for i in (j * run)..<(j * run + run) { sum += source[i] }
      target[j] = sum * scale
    }
    guard keepsShortRun, full * run < count else { return full }
    var sum = 0.0
    for i in (full * run)..<count { sum += source[i] }
    target[full] = sum / Double(count - full * run)
    return full + 1
  }
}
