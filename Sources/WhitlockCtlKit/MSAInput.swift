import Foundation

/// Reads an EMSA/MAS spectral data file (ISO 22029, `.msa`/`.emsa`: what HyperSpy, DTSA-II, NIST
/// and many EDS and XRF programs write): `#KEYWORD[-unit] : value` header lines, then the data
/// between `#SPECTRUM` and `#ENDOFDATA`, one or more values per line separated by commas or
/// spaces. `#DATATYPE : Y` data are counts on the axis `#OFFSET + #XPERCHAN·channel`;
/// `#DATATYPE : XY` data are (x, count) pairs. The x unit is `#XUNITS` (eV or keV; eV when
/// absent, the standard's default for X-ray spectra), or a unit suffix on the keyword
/// (`#XPERCHAN-eV`). `#NPOINTS`, when given, must match the data. Electron energy-loss spectra
/// (`#SIGNALTYPE : ELS`) are refused: they are not X-ray spectra.
public enum MSAInput {
  /// Whether `text` starts like an EMSA/MAS file (its first line is a `#FORMAT` keyword).
  public static func recognises(_ text: String) -> Bool {
    let head = text.prefix(200).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    return head.uppercased().hasPrefix("#FORMAT")
  }

  /// Parses the decoded text of `name`.
  public static func parse(_ text: String, name: String) throws(SpectrumInputError)
    -> StoredSpectrum
  {
    var header: [String: (value: String, unit: String, line: Int)] = [:]
    var values: [(Double, Int)] = []
    var inData = false
    var ended = false
    var lineNumber = 0
    var lastDataLine = 0
    for rawLine in SpectrumInput.lines(text) {
      lineNumber += 1
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || ended { continue }
      if line.hasPrefix("#") {
        let body = line.dropFirst()
        guard let colon = body.firstIndex(of: ":") else {
          throw SpectrumInputError(
            "\(name):\(lineNumber): expected \"#KEYWORD : value\", got \"\(line)\"")
        }
        let keywordField = body[..<colon].trimmingCharacters(in: .whitespaces)
        let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        var keyword = keywordField.uppercased()
        var unit = ""
        if let dash = keywordField.firstIndex(of: "-") {
          keyword = keywordField[..<dash].trimmingCharacters(in: .whitespaces).uppercased()
          unit = keywordField[keywordField.index(after: dash)...]
            .trimmingCharacters(in: .whitespaces)
        }
        if keyword == "SPECTRUM" {
          inData = true
          continue
        }
        if keyword == "ENDOFDATA" {
          guard inData else {
            throw SpectrumInputError("\(name):\(lineNumber): #ENDOFDATA before #SPECTRUM")
          }
          ended = true
          continue
        }
        if inData {
          throw SpectrumInputError(
            "\(name):\(lineNumber): header line \"#\(keywordField)\" inside the data")
        }
        header[keyword] = (value, unit, lineNumber)
        continue
      }
      guard inData else {
        throw SpectrumInputError(
          "\(name):\(lineNumber): data before #SPECTRUM (\"\(line.prefix(40))\")")
      }
      for field in line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
        guard let value = Double(field), value.isFinite else {
          throw SpectrumInputError(
            "\(name):\(lineNumber): expected a number in the data, got \"\(field)\"")
        }
        values.append((value, lineNumber))
      }
      lastDataLine = lineNumber
    }
    guard header["FORMAT"] != nil else {
      throw SpectrumInputError("\(name):1: not an EMSA/MAS file (no #FORMAT line)")
    }
    guard inData else { throw SpectrumInputError("\(name): no #SPECTRUM line before the data") }
    guard ended else {
      throw SpectrumInputError("\(name):\(lastDataLine): the data are not closed by #ENDOFDATA")
    }
    if let signal = header["SIGNALTYPE"], signal.value.uppercased().hasPrefix("ELS") {
      throw SpectrumInputError(
        "\(name):\(signal.line): #SIGNALTYPE \(signal.value) is an energy-loss spectrum, not X-ray")
    }
    let dataType = header["DATATYPE"]?.value.uppercased() ?? "Y"
    guard dataType == "Y" || dataType == "XY" else {
      let line = header["DATATYPE"]?.line ?? 1
      throw SpectrumInputError("\(name):\(line): #DATATYPE \"\(dataType)\" is not Y or XY")
    }
    // Energies in keV: the keyword's own unit, else #XUNITS, else eV.
    func scale(for keyword: String) throws(SpectrumInputError) -> Double {
      let unit =
        (header[keyword]?.unit).flatMap { $0.isEmpty ? nil : $0 }
        ?? header["XUNITS"]?.value ?? "eV"
      switch unit.lowercased() {
      case "ev": return 0.001
      case "kev": return 1
      default:
        let line = header["XUNITS"]?.line ?? header[keyword]?.line ?? 1
        throw SpectrumInputError("\(name):\(line): x unit \"\(unit)\" is not eV or keV")
      }
    }
    func number(_ keyword: String) throws(SpectrumInputError) -> Double? {
      guard let entry = header[keyword] else { return nil }
      guard let value = Double(entry.value), value.isFinite else {
        throw SpectrumInputError(
          "\(name):\(entry.line): #\(keyword) is not a number (\"\(entry.value)\")")
      }
      return value
    }
    var energies: [Double] = []
    var counts: [Double] = []
    if dataType == "XY" {
      guard values.count % 2 == 0 else {
        throw SpectrumInputError(
          "\(name):\(lastDataLine): XY data need pairs, got \(values.count) values")
      }
      let unit = try scale(for: "XUNITS")
      for index in stride(from: 0, to: values.count, by: 2) {
        energies.append(values[index].0 * unit)
        counts.append(values[index + 1].0)
      }
    } else {
      guard let perChannel = try number("XPERCHAN"), perChannel > 0 else {
        let line = header["XPERCHAN"]?.line ?? 1
        throw SpectrumInputError("\(name):\(line): #XPERCHAN must be a positive number")
      }
      let offset = try number("OFFSET") ?? 0
      let gain = perChannel * (try scale(for: "XPERCHAN"))
      let start = offset * (try scale(for: "OFFSET"))
      counts = values.map(\.0)
      energies = counts.indices.map { start + gain * Double($0) }
    }
    if let points = try number("NPOINTS"), Int(points) != counts.count {
      throw SpectrumInputError(
        "\(name):\(header["NPOINTS"]?.line ?? 1): #NPOINTS says \(Int(points)), the data hold "
          + "\(counts.count)")
    }
    guard counts.count >= 16 else {
      throw SpectrumInputError("\(name): \(counts.count) channels; a spectrum needs at least 16")
    }
    for index in 1..<energies.count where energies[index] <= energies[index - 1] {
      let line = dataType == "XY" ? values[2 * index].1 : values[index].1
      throw SpectrumInputError("\(name):\(line): energies do not increase")
    }
    return StoredSpectrum(
      source: name, seq: nil, kind: .xrf, axis: .energy(energies), intensities: counts)
  }
}
