import Foundation
import HDF5
import WhitlockCore

/// Reads the raw spectra back from a NeXus file written by `NeXusExport`, with the calibration
/// and full scale each was recorded with, so `whitlockctl analyze FILE.nxs` gives the detection
/// results the spool has. Spectra are read a block of rows at a time (bounded memory).
public enum NeXusInput {
  /// The 8-byte signature at the start of every HDF5 file.
  static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Whether the file at `path` starts with the HDF5 signature.
  public static func isHDF5(path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 8)) ?? Data()
    return Array(head) == signature
  }

  /// Calls `body` with every spectrum of every `NXinstrument` of every `NXentry`, in file order,
  /// keeping only `kind` when given. `source` names the file and the instrument's group.
  public static func forEachSpectrum(
    path: String, kind: InstrumentKind?, _ body: (StoredSpectrum) throws -> Void
  ) throws {
    do { try read(path: path, kind: kind, body) } catch let error as HDF5Error {
      throw SpectrumInputError("\(path): \(error.description)")
    }
  }

  private static func read(
    path: String, kind: InstrumentKind?, _ body: (StoredSpectrum) throws -> Void
  ) throws {
    let file: HDF5File
    do { file = try HDF5File.open(path: path) } catch {
      throw SpectrumInputError("\(path): \(error.description)")
    }
    let root = try file.root()
    var found = 0
    for entry in try root.members() where entry.kind == .group {
      let entryGroup = try root.group(entry.name)
      guard entryGroup.stringAttribute("NX_class") == "NXentry" else { continue }
      for member in try entryGroup.members() where member.kind == .group {
        let instrument = try entryGroup.group(member.name)
        guard instrument.stringAttribute("NX_class") == "NXinstrument",
          instrument.contains("detector")
        else { continue }
        let place = "\(path):/\(entry.name)/\(member.name)"
        let detector = try instrument.group("detector")
        guard detector.contains("data"), detector.contains("full_scale") else { continue }
        let calibration = try Self.calibration(instrument: instrument, detector: detector, place)
        let spectrumKind: InstrumentKind =
          if case .wavelengthPolynomial = calibration { .raman } else { .xrf }
        if let kind, kind != spectrumKind { continue }
        let data = try detector.dataset("data")
        let shape = try data.shape()
        guard shape.count == 2 else {
          throw SpectrumInputError("\(place)/detector/data is not acquisition × channel")
        }
        let fullScale = try detector.dataset("full_scale").read(as: Int64.self)
        let sequence =
          detector.contains("seq") ? try detector.dataset("seq").read(as: Int64.self) : []
        guard fullScale.count == shape[0] else {
          throw SpectrumInputError(
            "\(place): \(shape[0]) spectra but \(fullScale.count) full_scale values")
        }
        let block = 256
        for start in stride(from: 0, to: shape[0], by: block) {
          let end = min(shape[0], start + block)
          let rows = try data.readRows(start..<end, as: UInt32.self)
          for row in start..<end {
            let offset = (row - start) * shape[1]
            let counts = rows[offset..<(offset + shape[1])].map { Double($0) }
            try body(
              StoredSpectrum(
                source: place, seq: row < sequence.count ? sequence[row] : nil,
                kind: spectrumKind,
                axis: .calibration(calibration, fullScale: UInt32(clamping: fullScale[row])),
                intensities: counts))
            found += 1
          }
        }
      }
    }
    if found == 0, kind == nil {
      throw SpectrumInputError("\(path): no NXentry/NXinstrument/NXdetector with spectra")
    }
  }

  private static func calibration(instrument: HDF5Group, detector: HDF5Group, _ place: String)
    throws -> AxisCalibration
  {
    if detector.contains("wavelength_calibration") {
      let coefficients = try detector.dataset("wavelength_calibration").read(as: Double.self)
      guard instrument.contains("source"),
        let excitation = try instrument.group("source").dataset("wavelength").read(as: Double.self)
          .first
      else { throw SpectrumInputError("\(place): Raman detector without source/wavelength") }
      return .wavelengthPolynomial(coefficients: coefficients, excitationNanometres: excitation)
    }
    if detector.contains("energy_per_channel"), detector.contains("energy_offset") {
      let gain = try detector.dataset("energy_per_channel").read(as: Double.self)
      let offset = try detector.dataset("energy_offset").read(as: Double.self)
      if let gain = gain.first, let offset = offset.first {
        return .linearEnergy(keVPerChannel: gain, offsetKeV: offset)
      }
    }
    throw SpectrumInputError(
      "\(place)/detector: no wavelength_calibration or energy_per_channel/energy_offset")
  }
}
