/// An Amptek `.mca` file read back: header values, calibration points, counts and the raw lines
/// of the other sections. Used to check exports and to import spectra from DPPMCA.
public struct MCAFile: Sendable, Equatable {
  /// `KEY - value` pairs of `<<PMCA SPECTRUM>>`.
  public var header: [String: String] = [:]
  /// `(channel, energy)` pairs of `<<CALIBRATION>>`.
  public var calibration: [(channel: Double, energy: Double)] = []
  /// The calibration's unit label.
  public var calibrationLabel: String?
  /// Counts per channel from `<<DATA>>`.
  public var counts: [Int] = []
  /// The `KEY=VALUE;` commands of `<<DP5 CONFIGURATION>>` (descriptions after them dropped).
  public var configuration: [String] = []
  /// `Label: value` pairs of `<<DPP STATUS>>`.
  public var status: [String: String] = [:]

  public static func == (lhs: MCAFile, rhs: MCAFile) -> Bool {
    lhs.header == rhs.header && lhs.counts == rhs.counts && lhs.configuration == rhs.configuration
      && lhs.status == rhs.status && lhs.calibrationLabel == rhs.calibrationLabel
      && lhs.calibration.map(\.channel) == rhs.calibration.map(\.channel)
      && lhs.calibration.map(\.energy) == rhs.calibration.map(\.energy)
  }

  /// Parses `.mca` text; fails on a missing `<<DATA>>` section or a non-numeric count.
  public static func parse(_ text: String) throws(MCAExport.Failure) -> MCAFile {
    var file = MCAFile()
    var section = ""
    var sawData = false
    for raw in text.split(
      omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    {
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
      if line.hasPrefix("<<"), line.hasSuffix(">>") {
        section = String(line.dropFirst(2).dropLast(2))
        if section == "DATA" { sawData = true }
        continue
      }
      switch section {
      case "PMCA SPECTRUM":
        if let range = line.range(of: " - ") {
          file.header[String(line[..<range.lowerBound])] = String(line[range.upperBound...])
        }
      case "CALIBRATION":
        if line.hasPrefix("LABEL - ") {
          file.calibrationLabel = String(line.dropFirst(8))
        } else {
          let parts = line.split(separator: " ").compactMap { Double($0) }
          if parts.count == 2 { file.calibration.append((parts[0], parts[1])) }
        }
      case "DATA":
        guard let count = Int(line.trimmingSpaces) else {
          throw MCAExport.Failure(description: "count \"\(line)\" is not a number")
        }
        file.counts.append(count)
      case "DP5 CONFIGURATION":
        if let end = line.firstIndex(of: ";") { file.configuration.append(String(line[...end])) }
      case "DPP STATUS":
        if let colon = line.firstIndex(of: ":") {
          let value = line[line.index(after: colon)...]
          file.status[String(line[..<colon])] = value.trimmingSpaces
        }
      default: break
      }
    }
    guard sawData else { throw MCAExport.Failure(description: "no <<DATA>> section") }
    return file
  }
}

extension StringProtocol {
  fileprivate var trimmingSpaces: String {
    var slice = Substring(self)
    while slice.first == " " { slice = slice.dropFirst() }
    while slice.last == " " { slice = slice.dropLast() }
    return String(slice)
  }
}
