import Foundation

/// Reads a Bruker Esprit `.spx` spectrum: XML whose `TRTSpectrum` class instance holds a
/// `TRTSpectrumHeader` with `ChannelCount`, `CalibAbs` (energy of channel 0, keV) and `CalibLin`
/// (keV per channel), and the counts as a comma-separated list in `<Channels>`. Only the
/// elements it needs are read (by tag, first occurrence after `TRTSpectrum`); everything else
/// (hardware header, element lists, results) is skipped.
public enum SPXInput {
  /// Whether `text` looks like a Bruker spectrum (XML naming a `TRTSpectrum`).
  public static func recognises(_ text: String) -> Bool {
    let head = text.prefix(4096)
    return head.contains("<?xml") && head.contains("TRTSpectrum")
  }

  /// Parses the decoded text of `name`.
  public static func parse(_ text: String, name: String) throws(SpectrumInputError)
    -> StoredSpectrum
  {
    let bytes = Array(text.utf8)
    guard let spectrumStart = find(Array("TRTSpectrum".utf8), in: bytes, from: 0) else {
      throw SpectrumInputError("\(name): no TRTSpectrum element")
    }
    func element(_ tag: String) throws(SpectrumInputError) -> (text: String, line: Int)? {
      let open = Array("<\(tag)>".utf8)
      let close = Array("</\(tag)>".utf8)
      guard let start = find(open, in: bytes, from: spectrumStart) else { return nil }
      let contentStart = start + open.count
      guard let end = find(close, in: bytes, from: contentStart) else {
        throw SpectrumInputError(
          "\(name):\(lineNumber(of: start, in: bytes)): <\(tag)> is not closed")
      }
      return (
        String(decoding: bytes[contentStart..<end], as: UTF8.self), lineNumber(of: start, in: bytes)
      )
    }
    func number(_ tag: String) throws(SpectrumInputError) -> (Double, Int) {
      guard let found = try element(tag) else {
        throw SpectrumInputError("\(name): no <\(tag)> in the spectrum header")
      }
      let (content, line) = found
      let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
      guard let value = Double(trimmed.replacingOccurrences(of: ",", with: ".")), value.isFinite
      else {
        throw SpectrumInputError("\(name):\(line): <\(tag)> is not a number (\"\(trimmed)\")")
      }
      return (value, line)
    }
    let (offset, _) = try number("CalibAbs")
    let (gain, gainLine) = try number("CalibLin")
    guard gain > 0 else {
      throw SpectrumInputError("\(name):\(gainLine): <CalibLin> must be positive keV per channel")
    }
    guard let channels = try element("Channels") else {
      throw SpectrumInputError("\(name): no <Channels> list")
    }
    let (list, listLine) = channels
    var counts: [Double] = []
    var line = listLine
    for field in list.split(separator: ",", omittingEmptySubsequences: false) {
      let trimmed = field.trimmingCharacters(in: .whitespacesAndNewlines)
      guard let value = Double(trimmed), value.isFinite, value >= 0 else {
        throw SpectrumInputError(
          "\(name):\(line): <Channels> value \(counts.count + 1) is not a count (\"\(trimmed.prefix(20))\")"
        )
      }
      line += field.filter(\.isNewline).count
      counts.append(value)
    }
    if let declared = try? number("ChannelCount"), Int(declared.0) != counts.count {
      throw SpectrumInputError(
        "\(name):\(declared.1): <ChannelCount> says \(Int(declared.0)), <Channels> holds "
          + "\(counts.count)")
    }
    guard counts.count >= 16 else {
      throw SpectrumInputError("\(name): \(counts.count) channels; a spectrum needs at least 16")
    }
    let energies = counts.indices.map { offset + gain * Double($0) }
    return StoredSpectrum(
      source: name, seq: nil, kind: .xrf, axis: .energy(energies), intensities: counts)
  }

  private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count
    else { return nil }
    var index = start
    while index <= haystack.count - needle.count {
      if haystack[index] == needle[0],
        haystack[index..<(index + needle.count)].elementsEqual(needle)
      {
        return index
      }
      index += 1
    }
    return nil
  }

  private static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
    1 + bytes[0..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
  }
}
