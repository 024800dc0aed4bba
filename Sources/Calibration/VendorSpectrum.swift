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
        throw SpectrumFileError(file: path, line: 0, message: "file is \(size) bytes; the limit is \(maximumBytes)")
      }
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let error as SpectrumFileError {
      throw error
    } catch {
      throw SpectrumFileError(file: path, line: 0, message: "cannot read: \(error.localizedDescription)")
    }
    let text = String(decoding: data, as: UTF8.self)
    return try parse(text, source: path, name: name)
  }

  /// Parses file `text`; `source` names it in errors, `name` in the spectrum.
  public static func parse(_ text: String, source: String, name: String) throws(SpectrumFileError)
    -> VendorSpectrum
  {
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    if lines.contains(where: { $0.hasPrefix("Pixel;") }) {
      return try parseBWTek(lines, source: source, name: name)
    }
    return try parseColumns(lines, source: source, name: name)
  }

  private static func number(_ field: Substring) -> Double? {
    let trimmed = field.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
    guard !trimmed.isEmpty, let value = Double(trimmed), value.isFinite else { return nil }
    return value
  }

  private static func parseBWTek(_ lines: [Substring], source: String, name: String)
    throws(SpectrumFileError) -> VendorSpectrum
  {
    var header: [String: (value: Substring, line: Int)] = [:]
    var tableLine = 0
    for (index, line) in lines.enumerated() {
      if line.hasPrefix("Pixel;") {
        tableLine = index
        break
      }
      let parts = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count == 2 { header[String(parts[0])] = (parts[1], index + 1) }
    }
    var coefficients: [Double] = []
    for power in 0..<4 {
      let key = "coefs_a\(power)"
      guard let entry = header[key] else {
        throw SpectrumFileError(file: source, line: 0, message: "B&W Tek header has no \(key) (pixel→wavelength coefficient)")
      }
      guard let value = number(entry.value) else {
        throw SpectrumFileError(file: source, line: entry.line, message: "\(key) \"\(entry.value)\" is not a number")
      }
      coefficients.append(value)
    }
    guard let laserEntry = header["laser_wavelength"] else {
      throw SpectrumFileError(file: source, line: 0, message: "B&W Tek header has no laser_wavelength")
    }
    guard let laser = number(laserEntry.value), laser > 100, laser < 2000 else {
      throw SpectrumFileError(
        file: source, line: laserEntry.line, message: "laser_wavelength \"\(laserEntry.value)\" is not a wavelength in nm")
    }
    let columns = lines[tableLine].split(separator: ";", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard let intensityColumn = columns.firstIndex(of: "Dark Subtracted #1") ?? columns.firstIndex(of: "Raw data #1")
    else {
      throw SpectrumFileError(
        file: source, line: tableLine + 1, message: "the table has neither a \"Dark Subtracted #1\" nor a \"Raw data #1\" column")
    }
    var shifts: [Double] = []
    var intensities: [Double] = []
    for index in (tableLine + 1)..<lines.count {
      let line = lines[index]
      if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let fields = line.split(separator: ";", omittingEmptySubsequences: false)
      guard fields.count > intensityColumn, let pixel = number(fields[0]),
        let intensity = number(fields[intensityColumn])
      else {
        throw SpectrumFileError(
          file: source, line: index + 1, message: "expected a pixel number and a \(columns[intensityColumn]) value")
      }
      let wavelength = LinearSolve.evaluate(coefficients, at: pixel)
      guard wavelength > 0 else {
        throw SpectrumFileError(file: source, line: index + 1, message: "coefs_a0…a3 give a wavelength ≤ 0 at pixel \(pixel)")
      }
      shifts.append(1e7 / laser - 1e7 / wavelength)
      intensities.append(intensity)
    }
    guard shifts.count >= 16 else {
      throw SpectrumFileError(file: source, line: tableLine + 1, message: "only \(shifts.count) data rows; at least 16 needed")
    }
    return VendorSpectrum(source: name, shifts: shifts, intensities: intensities, statedExcitationNanometres: laser)
  }

  private static func parseColumns(_ lines: [Substring], source: String, name: String)
    throws(SpectrumFileError) -> VendorSpectrum
  {
    var shifts: [Double] = []
    var intensities: [Double] = []
    for (index, line) in lines.enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let separators: Set<Character> = trimmed.contains("\t") || trimmed.contains(";") ? ["\t", ";"] : [" ", ","]
      let fields = trimmed.split(whereSeparator: { separators.contains($0) }).filter {
        !$0.trimmingCharacters(in: .whitespaces).isEmpty
      }
      guard fields.count >= 2, let x = number(fields[0]), let y = number(fields[1]) else {
        if shifts.isEmpty && index < 5 { continue }  // a column-title line
        throw SpectrumFileError(
          file: source, line: index + 1, message: "expected two numbers (Raman shift in cm-1, intensity), got \"\(trimmed.prefix(60))\"")
      }
      shifts.append(x)
      intensities.append(y)
    }
    guard shifts.count >= 16 else {
      throw SpectrumFileError(
        file: source, line: 0, message: "only \(shifts.count) data rows; a two-column spectrum (Raman shift, intensity) of at least 16 points is needed")
    }
    return VendorSpectrum(source: name, shifts: shifts, intensities: intensities, statedExcitationNanometres: nil)
  }
}
