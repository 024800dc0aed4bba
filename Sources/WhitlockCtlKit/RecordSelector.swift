/// Which spool records a command works on: `SPOOL` (all), `SPOOL:SEQ` or `SPOOL:FIRST-LAST`.
public struct RecordSelector: Sendable, Equatable {
  /// The spool directory.
  public var spool: String
  /// The record sequence numbers selected; `nil` for all.
  public var sequences: ClosedRange<UInt64>?

  /// Parses a selector; the part after the last `:` is a range only when it looks like one.
  public init?(_ text: String) {
    guard !text.isEmpty else { return nil }
    if let colon = text.lastIndex(of: ":") {
      let tail = text[text.index(after: colon)...]
      let bounds = tail.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0) }
      if bounds.count == 1, let only = bounds[0] {
        spool = String(text[..<colon])
        sequences = only...only
        return
      }
      if bounds.count == 2, let low = bounds[0], let high = bounds[1] {
        guard low <= high else { return nil }
        spool = String(text[..<colon])
        sequences = low...high
        return
      }
    }
    spool = text
    sequences = nil
  }

  /// Whether a record with sequence number `seq` is selected.
  public func contains(_ seq: UInt64) -> Bool { sequences?.contains(seq) ?? true }
}
