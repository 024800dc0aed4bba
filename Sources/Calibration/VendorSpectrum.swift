import Foundation

/// A spectrum on the axis its instrument reported (the "vendor axis"), before calibration.
public struct VendorSpectrum: Sendable {
  /// Where the spectrum came from (file name), for messages.
  public var source: String
  /// Raman shift of each point in cm⁻¹ on the vendor axis, ascending.
  public var shifts: [Double]
  /// Intensity of each point.
  public var intensities: [Double]
  /// The laser wavelength (nm) the vendor computed `shifts` with, when the file states it.
  public var statedExcitationNanometres: Double?

  /// A spectrum of `shifts` and `intensities` (sorted by shift here).
  public init(
    source: String, shifts: [Double], intensities: [Double], statedExcitationNanometres: Double?
  ) {
    let order = shifts.indices.sorted { shifts[$0] < shifts[$1] }
    self.source = source
    self.shifts = order.map { shifts[$0] }
    self.intensities = order.map { intensities[$0] }
    self.statedExcitationNanometres = statedExcitationNanometres
  }

  /// Absolute vacuum wavenumbers (cm⁻¹) of the points, given the vendor's laser wavelength.
  public func absoluteWavenumbers(excitationNanometres: Double) -> [Double] {
    let laser = 1e7 / excitationNanometres
    return shifts.map { laser - $0 }
  }
}

/// Why a spectrum file could not be read; names the file and, where it applies, the line.
public struct SpectrumFileError: Error, CustomStringConvertible, Equatable {
  /// The file at fault.
  public var file: String
  /// 1-based line, or 0 for the file as a whole.
  public var line: Int
  /// What is wrong.
  public var message: String

  /// An error about `file` at `line`.
  public init(file: String, line: Int, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String {
    line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
  }
}

/// Reads the spectrum files calibration works on.
///
/// Two layouts: B&W Tek BWSpec/BWRam exports (`key;value` header with the pixel→wavelength
/// coefficients `coefs_a0…a3` and `laser_wavelength`, then a `Pixel;Wavelength;…` table; decimal
/// commas or points; the axis is recomputed from the coefficients because the exported
/// columns are rounded to 0.01 or left blank) and two-column text (Raman shift in cm⁻¹,
/// intensity; separated by tabs, spaces, commas or semicolons; `#` lines skipped), as Horiba
/// LabSpec and most software export.
public enum VendorSpectrumReader {
  /// Largest file accepted.
  public static let maximumBytes = 64 << 20

  /// Reads the file at `path`.
  public static func read(path: String) throws(SpectrumFileError) -> VendorSpectrum {
    let name = (path as NSString).lastPathComponent
    let data: Data
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if let size = attributes[.size] as? Int, size > maximumBytes {
        throw SpectrumFileError(
          file: path, line: 0, message: "file is \(size) bytes; the limit is \(maximumBytes)")
      }
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let error as SpectrumFileError {
      throw error
    } catch {
      throw SpectrumFileError(
        file: path, line: 0, message: "cannot read: \(error.localizedDescription)")
    }
    let text = String(decoding: data, as: UTF8.self)
    return try parse(text, source: path, name: name)
  }

  /// Parses file `text`; `source` names it in errors, `name` in the spectrum.
  public static func parse(_ text: String, source: String, name: String) throws(SpectrumFileError)
    -> VendorSpectrum
  {
    let bytes = Array(text.utf8)
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
      lines.append(bytes[start..<index])
      start = index + 1
    }
    if start < bytes.count { lines.append(bytes[start...]) }
    lines = lines.map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    if lines.contains(where: { $0.starts(with: Array("Pixel;".utf8)) }) {
      return try parseBWTek(lines, source: source, name: name)
    }
    return try parseColumns(lines, source: source, name: name)
  }

  /// A field's number: surrounding blanks ignored, a decimal comma read as a point.
  static func number(_ field: ArraySlice<UInt8>) -> Double? {
    var digits = field.drop { $0 == 0x20 || $0 == 0x09 }
    while let last = digits.last, last == 0x20 || last == 0x09 { digits = digits.dropLast() }
    guard !digits.isEmpty, digits.count < 64 else { return nil }
    let text = String(
      decoding: digits.map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    guard let value = Double(text), value.isFinite else { return nil }
    return value
  }

  static func fields(_ line: ArraySlice<UInt8>, separatedBy separator: UInt8) -> [ArraySlice<UInt8>]
  {
    line.split(separator: separator, omittingEmptySubsequences: false)
  }

  static func text(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
  }

  private static func parseBWTek(_ lines: [ArraySlice<UInt8>], source: String, name: String)
    throws(SpectrumFileError) -> VendorSpectrum
  {
    let semicolon = UInt8(ascii: ";")
    var header: [String: (value: ArraySlice<UInt8>, line: Int)] = [:]
    var tableLine = 0
    for (index, line) in lines.enumerated() {
      if line.starts(with: Array("Pixel;".utf8)) {
        tableLine = index
        break
      }
      let parts = line.split(separator: semicolon, maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count == 2 { header[text(parts[0])] = (parts[1], index + 1) }
    }
    var coefficients: [Double] = []
    for power in 0..<4 {
      let key = "coefs_a\(power)"
      guard let entry = header[key] else {
        throw SpectrumFileError(
          file: source, line: 0,
          message: "B&W Tek header has no \(key) (pixel→wavelength coefficient)")
      }
      guard let value = number(entry.value) else {
        throw SpectrumFileError(
          file: source, line: entry.line,
          message: "\(key) \"\(text(entry.value))\" is not a number")
      }
      coefficients.append(value)
    }
    guard let laserEntry = header["laser_wavelength"] else {
      throw SpectrumFileError(
        file: source, line: 0, message: "B&W Tek header has no laser_wavelength")
    }
    guard let laser = number(laserEntry.value), laser > 100, laser < 2000 else {
      throw SpectrumFileError(
        file: source, line: laserEntry.line,
        message: "laser_wavelength \"\(text(laserEntry.value))\" is not a wavelength in nm")
    }
    let columns = fields(lines[tableLine], separatedBy: semicolon).map(text)
    guard
      let intensityColumn = columns.firstIndex(of: "Dark Subtracted #1")
        ?? columns.firstIndex(of: "Raw data #1")
    else {
      throw SpectrumFileError(
        file: source, line: tableLine + 1,
        message: "the table has neither a \"Dark Subtracted #1\" nor a \"Raw data #1\" column")
    }
    var shifts: [Double] = []
    var intensities: [Double] = []
    for index in (tableLine + 1)..<lines.count {
      let line = lines[index]
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      let row = fields(line, separatedBy: semicolon)
      guard row.count > intensityColumn, let pixel = number(row[0]),
        let intensity = number(row[intensityColumn])
      else {
        throw SpectrumFileError(
          file: source, line: index + 1,
          message: "expected a pixel number and a \(columns[intensityColumn]) value")
      }
      let wavelength = LinearSolve.evaluate(coefficients, at: pixel)
      guard wavelength > 0 else {
        throw SpectrumFileError(
          file: source, line: index + 1,
          message: "coefs_a0…a3 give a wavelength ≤ 0 at pixel \(pixel)")
      }
      shifts.append(1e7 / laser - 1e7 / wavelength)
      intensities.append(intensity)
    }
    guard shifts.count >= 16 else {
      throw SpectrumFileError(
        file: source, line: tableLine + 1,
        message: "only \(shifts.count) data rows; at least 16 needed")
    }
    return VendorSpectrum(
      source: name, shifts: shifts, intensities: intensities, statedExcitationNanometres: laser)
  }

  private static func parseColumns(_ lines: [ArraySlice<UInt8>], source: String, name: String)
    throws(SpectrumFileError) -> VendorSpectrum
  {
    var shifts: [Double] = []
    var intensities: [Double] = []
    for (index, line) in lines.enumerated() {
      let content = line.drop { $0 == 0x20 || $0 == 0x09 }
      if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
      // Tabs and semicolons separate (a comma is then a decimal comma); otherwise blanks and commas.
      let strong = content.contains(0x09) || content.contains(UInt8(ascii: ";"))
      let parts = content.split {
        strong ? ($0 == 0x09 || $0 == UInt8(ascii: ";")) : ($0 == 0x20 || $0 == UInt8(ascii: ","))
      }
      guard parts.count >= 2, let x = number(parts[0]), let y = number(parts[1]) else {
        if shifts.isEmpty && index < 5 { continue }  // a column-title line
        throw SpectrumFileError(
          file: source, line: index + 1,
          message:
            "expected two numbers (Raman shift in cm-1, intensity), got \"\(text(content.prefix(60)))\""
        )
      }
      shifts.append(x)
      intensities.append(y)
    }
    guard shifts.count >= 16 else {
      throw SpectrumFileError(
        file: source, line: 0,
        message:
          "only \(shifts.count) data rows; a two-column spectrum (Raman shift, intensity) of at least 16 points is needed"
      )
    }
    return VendorSpectrum(
      source: name, shifts: shifts, intensities: intensities, statedExcitationNanometres: nil)
  }
}
