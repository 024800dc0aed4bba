/// One reply line from a ProScan controller (without its CR), and its encoding on the device
/// side.
///
/// `R` ends a move (and answers `K`); `E,n` is an error in place of a reply
/// (`ProScanErrorCode`); anything else is a value reply of comma-separated fields (`0` for a
/// setting taken, `x,y` for a position, a number for `$` or `RES,s`).
public enum ProScanReply: Sendable, Equatable, CustomStringConvertible {
  /// `R`: the end of a move, or the acknowledgement of `K`.
  case endOfMove
  /// `E,n`.
  case error(ProScanErrorCode)
  /// Comma-separated value fields.
  case values([String])

  /// The reply as sent, without the CR.
  public var text: String {
    switch self {
    case .endOfMove: "R"
    case .error(let code): "E,\(code.rawValue)"
    case .values(let fields): fields.joined(separator: ",")
    }
  }

  /// The bytes on the wire: the text and CR.
  public var encoded: [UInt8] { Array(text.utf8) + [CarriageReturn.byte] }

  public var description: String { text }

  /// Classifies a received line.
  public static func parse(_ line: String) -> ProScanReply {
    if line == "R" { return .endOfMove }
    if line.hasPrefix("E,"), let code = ProScanNumber.integer(line.dropFirst(2)), code >= 0 {
      return .error(ProScanErrorCode(rawValue: code))
    }
    return .values(
      line.isEmpty
        ? [] : line.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
  }

  /// The fields as integers when every field is one and there are `count` of them.
  public func integers(count: Int) -> [Int]? {
    guard case .values(let fields) = self, fields.count == count else { return nil }
    let values = fields.compactMap { ProScanNumber.integer($0[...]) }
    return values.count == count ? values : nil
  }

  /// The single field as a decimal number.
  public var decimal: Double? {
    guard case .values(let fields) = self, fields.count == 1 else { return nil }
    return ProScanNumber.decimal(fields[0][...])
  }
}
