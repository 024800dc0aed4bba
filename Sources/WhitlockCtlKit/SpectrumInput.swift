import Calibration
import Foundation
import Records
import WhitlockCore

/// One spectrum read from a file for offline analysis.
public struct StoredSpectrum: Sendable {
  /// What the spectrum's x values are.
  public enum Axis: Sendable {
    /// Raman shift per point, cm⁻¹ (strictly increasing).
    case ramanShift([Double])
    /// X-ray energy per channel, keV (strictly increasing).
    case energy([Double])
    /// A device calibration from a spool record, with raw counts.
    case calibration(AxisCalibration, fullScale: UInt32)
  }

  /// Where it came from: file, and line (text) or record seq (spool).
  public var source: String
  /// The record's seq, for spool input.
  public var seq: Int64?
  /// Raman or XRF.
  public var kind: InstrumentKind
  /// The x axis.
  public var axis: Axis
  /// Intensities (counts) per point.
  public var intensities: [Double]
  /// The laser wavelength (nm) a file's Raman shifts were computed with, when it says.
  public var vendorExcitationNanometres: Double? = nil
}

/// A file that cannot be analysed, with a message naming file and line.
public struct SpectrumInputError: Error, CustomStringConvertible, Equatable {
  /// The message.
  public var description: String
  /// Creates an error.
  public init(_ description: String) { self.description = description }
}

/// Reads two-column text spectra, Amptek `.mca`, EMSA/MAS `.msa` and Bruker `.spx` files and
/// spool segments.
public enum SpectrumInput {
  /// Reads the file at `path`: its bytes are decoded as UTF-8 or, failing that, ISO-8859-1 (DP5
  /// files carry a Latin-1 degree sign), then parsed by `parse` (`.mca` text by `MCAInput`, EMSA/MAS
  /// by `MSAInput`, Bruker XML by `SPXInput`).
  public static func read(_ path: String, kind: InstrumentKind?, excitation: Double?)
    throws(SpectrumInputError) -> [StoredSpectrum]
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SpectrumInputError("\(path): cannot be read")
    }
    let text =
      String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
    if text.contains("<<PMCA SPECTRUM>>") || text.contains("<<DATA>>") {
      return [try MCAInput.parse(text, name: path)]
    }
    if text.hasPrefix("File Version;BW") {
      // A B&W Tek export: its axis comes from the header's pixel→wavelength coefficients.
      do {
        let vendor = try VendorSpectrumReader.parse(text, source: path, name: path)
        return [
          StoredSpectrum(
            source: path, seq: nil, kind: .raman, axis: .ramanShift(vendor.shifts),
            intensities: vendor.intensities,
            vendorExcitationNanometres: vendor.statedExcitationNanometres)
        ]
      } catch { throw SpectrumInputError(error.description) }
    }
    return try parse(text, name: path, kind: kind, excitation: excitation)
  }

  /// Lines of `text`, with `\r\n` (one Swift character), `\n` and `\r` all ending a line.
  static func lines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
  }

  /// The two leading numbers of a data line. Tabs, semicolons and spaces always separate; a
  /// comma separates too unless the line has a tab or semicolon, where it is a decimal comma.
  static func numbers(_ line: String) -> (Double, Double)? {
    let decimalComma = line.contains(";") || line.contains("\t")
    let fields = line.split {
      $0 == " " || $0 == "\t" || $0 == ";" || (!decimalComma && $0 == ",")
    }
    guard fields.count >= 2 else { return nil }
    func value(_ field: Substring) -> Double? {
      Double(decimalComma ? field.replacingOccurrences(of: ",", with: ".") : String(field))
    }
    guard let x = value(fields[0]), let y = value(fields[1]) else { return nil }
    return (x, y)
  }

  /// Parses `text` from `name`. EMSA/MAS files (`MSAInput`) and Bruker XML (`SPXInput`) are
  /// recognised by their first lines. Spool segments (NDJSON records, first non-blank character `{`)
  /// yield every acquisition record; anything else is a two-column text spectrum: x then y per
  /// line, separated by spaces, tabs, commas or semicolons; blank lines, `#…` comments and RRUFF
  /// `##KEY=VALUE` headers are skipped, as is a non-numeric header line before the data. For
  /// Raman text, x is the Raman shift in cm⁻¹, or the wavelength in nm when `excitation` (nm) is
  /// given; for XRF, x is the energy in keV. The x values must be strictly monotonic (a
  /// decreasing file is reversed).
  public static func parse(
    _ text: String, name: String, kind: InstrumentKind?, excitation: Double?
  ) throws(SpectrumInputError) -> [StoredSpectrum] {
    if MSAInput.recognises(text) { return [try MSAInput.parse(text, name: name)] }
    if SPXInput.recognises(text) { return [try SPXInput.parse(text, name: name)] }
    let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    if trimmed.first == "{" { return try parseSpool(text, name: name, kind: kind) }
    return [try parseColumns(text, name: name, kind: kind ?? .raman, excitation: excitation)]
  }

  static func parseColumns(
    _ text: String, name: String, kind: InstrumentKind, excitation: Double?
  ) throws(SpectrumInputError) -> StoredSpectrum {
    var xs: [Double] = []
    var ys: [Double] = []
    var lineNumber = 0
    for rawLine in lines(text) {
      lineNumber += 1
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let (x, y) = numbers(line) else {
        if xs.isEmpty { continue }  // a column header before the data
        throw SpectrumInputError("\(name):\(lineNumber): expected two numbers, got \"\(line)\"")
      }
      guard x.isFinite, y.isFinite else {
        throw SpectrumInputError("\(name):\(lineNumber): value is not finite")
      }
      xs.append(x)
      ys.append(y)
    }
    guard xs.count >= 16 else {
      throw SpectrumInputError("\(name): \(xs.count) data points; a spectrum needs at least 16")
    }
    let increasing = xs[xs.count - 1] > xs[0]
    for index in 1..<xs.count
    where increasing ? xs[index] <= xs[index - 1] : xs[index] >= xs[index - 1] {
      throw SpectrumInputError(
        "\(name): x values are not strictly monotonic at data point \(index + 1) "
          + "(\(xs[index - 1]) then \(xs[index]))")
    }
    if !increasing {
      xs.reverse()
      ys.reverse()
    }
    switch kind {
    case .raman:
      if let excitation {
        guard excitation > 0 else { throw SpectrumInputError("excitation must be positive") }
        xs = xs.map {
          RamanShift.wavenumbers(excitationNanometres: excitation, wavelengthNanometres: $0)
        }
      }
      return StoredSpectrum(
        source: name, seq: nil, kind: .raman, axis: .ramanShift(xs), intensities: ys)
    case .xrf:
      return StoredSpectrum(source: name, seq: nil, kind: .xrf, axis: .energy(xs), intensities: ys)
    }
  }

  static func parseSpool(_ text: String, name: String, kind: InstrumentKind?)
    throws(SpectrumInputError) -> [StoredSpectrum]
  {
    var spectra: [StoredSpectrum] = []
    var lineNumber = 0
    for line in lines(text) {
      lineNumber += 1
      if line.allSatisfy(\.isWhitespace) { continue }
      let record: JSONValue
      do { record = try JSONParser.parse(Array(line.utf8)) } catch {
        throw SpectrumInputError("\(name):\(lineNumber): \(error)")
      }
      let spectrum: RecordedSpectrum
      do throws(RecordDecodingError) {
        guard
          let decoded = try RecordedSpectrum(
            record, at: RecordLocation(file: name, line: lineNumber))
        else { continue }
        spectrum = decoded
      } catch {
        throw SpectrumInputError("\(error)")
      }
      if let kind, kind != spectrum.kind { continue }
      spectra.append(
        StoredSpectrum(
          source: name, seq: spectrum.seq.map { Int64($0) }, kind: spectrum.kind,
          axis: .calibration(spectrum.axis, fullScale: spectrum.fullScale),
          intensities: spectrum.counts))
    }
    return spectra
  }
}
