/// A spectrum drawn as one line of block characters, for the terminal live view.
public enum Sparkline {
  private static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// `values` reduced to `width` columns (each the maximum of its bucket, so peaks survive) and
  /// scaled between their minimum and maximum.
  public static func render(_ values: [Double], width: Int) -> String {
    guard !values.isEmpty, width > 0 else { return "" }
    let columns = min(width, values.count)
    var reduced: [Double] = []
    reduced.reserveCapacity(columns)
    for column in 0..<columns {
      let lower = column * values.count / columns
      let upper = max(lower + 1, (column + 1) * values.count / columns)
      reduced.append(values[lower..<upper].max() ?? 0)
    }
    let low = reduced.min() ?? 0
    let high = reduced.max() ?? 0
    let span = high - low
    return String(
      reduced.map { value in
        guard span > 0, value.isFinite else { return levels[0] }
        let level = Int(((value - low) / span * Double(levels.count - 1)).rounded())
        return levels[min(levels.count - 1, max(0, level))]
      })
  }
}
