/// Reads an Amptek `.mca` text file (DPPMCA, or `whitlockctl spool export --mca`): counts one
/// per line between `<<DATA>>` and `<<END>>`, the energy axis from the `<<CALIBRATION>>` pairs
/// (`channel energy`, a straight line through the first and last pair). Sections it does not
/// need (`<<PMCA SPECTRUM>>` header, `<<DP5 CONFIGURATION>>`, `<<DPP STATUS>>`) are skipped.
/// Without a calibration the axis is the channel number (keV per channel 1), which the XRF
/// pipeline then flags as outside its lines.
public enum MCAInput {
  /// Parses the decoded text of `name`.
  public static func parse(_ text: String, name: String) throws(SpectrumInputError)
    -> StoredSpectrum
  {
    var section = ""
    var counts: [Double] = []
    var calibration: [(channel: Double, energy: Double)] = []
    var lineNumber = 0
    var sawEnd = false
    for rawLine in SpectrumInput.lines(text) {
      lineNumber += 1
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty { continue }
      if line.hasPrefix("<<"), line.hasSuffix(">>") {
        section = line
        if section == "<<END>>" { sawEnd = true }
        continue
      }
      switch section {
      case "<<DATA>>":
        guard let value = Double(line), value.isFinite, value >= 0 else {
          throw SpectrumInputError(
            "\(name):\(lineNumber): expected a channel count in <<DATA>>, got \"\(line)\"")
        }
        counts.append(value)
      case "<<CALIBRATION>>":
        if line.hasPrefix("LABEL") { continue }
        let fields = line.split { $0 == " " || $0 == "\t" }
        guard fields.count >= 2, let channel = Double(fields[0]), let energy = Double(fields[1])
        else {
          throw SpectrumInputError(
            "\(name):\(lineNumber): expected \"channel energy\" in <<CALIBRATION>>, got \"\(line)\""
          )
        }
        calibration.append((channel, energy))
      default:
        continue
      }
    }
    guard !counts.isEmpty else {
      throw SpectrumInputError("\(name): no <<DATA>> section with channel counts")
    }
    guard sawEnd else {
      throw SpectrumInputError("\(name):\(lineNumber): <<DATA>> is not closed by <<END>>")
    }
    guard counts.count >= 16 else {
      throw SpectrumInputError("\(name): \(counts.count) channels; a spectrum needs at least 16")
    }
    var gain = 1.0
    var offset = 0.0
    if let first = calibration.first, let last = calibration.last, last.channel != first.channel {
      gain = (last.energy - first.energy) / (last.channel - first.channel)
      offset = first.energy - gain * first.channel
    }
    guard gain > 0, gain.isFinite, offset.isFinite else {
      throw SpectrumInputError("\(name): <<CALIBRATION>> energies do not increase with channel")
    }
    let energies = counts.indices.map { offset + gain * Double($0) }
    return StoredSpectrum(
      source: name, seq: nil, kind: .xrf, axis: .energy(energies), intensities: counts)
  }
}
