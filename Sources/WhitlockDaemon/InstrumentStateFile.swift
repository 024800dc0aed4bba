import Calibration
import Foundation
import WhitlockCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What an instrument's online calibration and dark need to survive a restart, a crash or a
/// power cut: the device they were made on (model, serial, pixel count, the device axis), the
/// accepted calibration with everything that rebuilds its axis, and the dark with its counts.
///
/// Kept as one small JSON file per instrument in the daemon's state directory (the spool root,
/// systemd's `StateDirectory=whitlockd`), replaced durably on every accepted calibration and every
/// dark: written to a temporary file, flushed, renamed over the old one, the directory flushed.
/// A file that cannot be read back whole is ignored with the reason (`StateFileProblem`).
struct InstrumentStateFile: Codable, Sendable, Equatable {
  /// The layout written now; a file of another version is ignored, never guessed at.
  static let currentVersion = 1
  /// What the file says it is.
  static let formatName = "whitlockd-instrument-state"

  var format = Self.formatName
  var version = Self.currentVersion
  /// The configured instrument id the file belongs to.
  var instrument: String
  var device: Device
  var calibration: Calibration?
  var dark: Dark?

  /// The device both were made on; neither applies to another.
  struct Device: Codable, Sendable, Equatable {
    var model: String
    var serial: String
    var pixels: Int
    /// A Raman device's pixel→wavelength polynomial (nm, order 0 first) and laser, nm.
    var wavelengthCoefficientsNm: [Double]?
    var excitationNm: Double?
    /// An XRF device's energy axis, keV.
    var keVPerChannel: Double?
    var offsetKeV: Double?

    init(model: String, serial: String, pixels: Int, axis: AxisCalibration) {
      self.model = model
      self.serial = serial
      self.pixels = pixels
      switch axis {
      case .wavelengthPolynomial(let coefficients, let excitation):
        wavelengthCoefficientsNm = coefficients
        excitationNm = excitation
      case .linearEnergy(let gain, let offset):
        keVPerChannel = gain
        offsetKeV = offset
      }
    }

    /// The device axis, `nil` when the file holds neither kind.
    var axis: AxisCalibration? {
      if let wavelengthCoefficientsNm, let excitationNm {
        return .wavelengthPolynomial(
          coefficients: wavelengthCoefficientsNm, excitationNanometres: excitationNm)
      }
      if let keVPerChannel, let offsetKeV {
        return .linearEnergy(keVPerChannel: keVPerChannel, offsetKeV: offsetKeV)
      }
      return nil
    }

    enum CodingKeys: String, CodingKey {
      case model, serial, pixels
      case wavelengthCoefficientsNm = "wavelength_coefficients_nm"
      case excitationNm = "excitation_nm"
      case keVPerChannel = "kev_per_channel"
      case offsetKeV = "offset_kev"
    }
  }

  /// An accepted online calibration.
  struct Calibration: Codable, Sendable, Equatable {
    /// The calibration's id, checked against the one its parts give when read back.
    var id: String
    /// Its version among the calibrations accepted online for the instrument.
    var version: Int
    /// The calibration in force before it (online or configured), `nil` for the device axis.
    var supersedes: String?
    /// The configured `[calibration.axis]` when it was accepted, `nil` for none: a
    /// configuration changed since then wins over the stored calibration.
    var configuredID: String?
    /// When it was accepted (UTC, RFC 3339).
    var accepted: String
    var verificationStandard: String?
    var verificationRMSCm1: Double?
    var verificationLimitCm1: Double?
    var created: String
    var lamp: String
    var lampFile: String
    var siliconFile: String
    var vendorExcitationNm: Double
    var correctionCentreCm1: Double
    var correctionHalfRangeCm1: Double
    var correctionCm1: [Double]
    var laserWavenumberCm1: Double
    var siliconReferenceCm1: Double
    var siliconVendorShiftCm1: Double
    var linesMatched: Int
    var lineFitRMSCm1: Double

    init(
      _ calibration: WavenumberCalibration, version: Int, supersedes: String?,
      configuredID: String?, accepted: Date, verification: StandardCheck?, limit: Double?
    ) {
      id = calibration.id
      self.version = version
      self.supersedes = supersedes
      self.configuredID = configuredID
      self.accepted = UTCTimestamp.string(from: accepted)
      verificationStandard = verification?.standard.rawValue
      verificationRMSCm1 = verification?.rms
      verificationLimitCm1 = verification == nil ? nil : limit
      created = calibration.created
      lamp = calibration.lamp.rawValue
      lampFile = calibration.lampFile
      siliconFile = calibration.siliconFile
      vendorExcitationNm = calibration.vendorExcitationNanometres
      correctionCentreCm1 = calibration.correctionCentre
      correctionHalfRangeCm1 = calibration.correctionHalfRange
      correctionCm1 = calibration.correction
      laserWavenumberCm1 = calibration.laserWavenumber
      siliconReferenceCm1 = calibration.siliconReference
      siliconVendorShiftCm1 = calibration.siliconVendorShift
      linesMatched = calibration.linesMatched
      lineFitRMSCm1 = calibration.lineFitRMS
    }

    /// The calibration it stands for; `nil` when the lamp is unknown.
    var wavenumberCalibration: WavenumberCalibration? {
      guard let lamp = CalibrationLamp(rawValue: lamp) else { return nil }
      return WavenumberCalibration(
        created: created, lamp: lamp, lampFile: lampFile, siliconFile: siliconFile,
        vendorExcitationNanometres: vendorExcitationNm, correctionCentre: correctionCentreCm1,
        correctionHalfRange: correctionHalfRangeCm1, correction: correctionCm1,
        laserWavenumber: laserWavenumberCm1, siliconReference: siliconReferenceCm1,
        siliconVendorShift: siliconVendorShiftCm1, linesMatched: linesMatched,
        lineFitRMS: lineFitRMSCm1)
    }

    enum CodingKeys: String, CodingKey {
      case id, version, supersedes, accepted, created, lamp
      case configuredID = "configured_id"
      case verificationStandard = "verification_standard"
      case verificationRMSCm1 = "verification_rms_cm1"
      case verificationLimitCm1 = "verification_limit_cm1"
      case lampFile = "lamp_file"
      case siliconFile = "silicon_file"
      case vendorExcitationNm = "vendor_excitation_nm"
      case correctionCentreCm1 = "correction_centre_cm1"
      case correctionHalfRangeCm1 = "correction_half_range_cm1"
      case correctionCm1 = "correction_cm1"
      case laserWavenumberCm1 = "laser_wavenumber_cm1"
      case siliconReferenceCm1 = "silicon_reference_cm1"
      case siliconVendorShiftCm1 = "silicon_vendor_shift_cm1"
      case linesMatched = "lines_matched"
      case lineFitRMSCm1 = "line_fit_rms_cm1"
    }
  }

  /// The dark in use.
  struct Dark: Codable, Sendable, Equatable {
    var id: String
    /// When its last scan was read: seconds since 1970 (exact), and as RFC 3339 for people.
    var takenUnixSeconds: Double
    var taken: String
    var exposureS: Double
    var scansToAverage: Int
    var gain: Double?
    var detectorTemperatureC: Double?
    var fullScale: UInt32
    var method: String
    var counts: [Double]

    init(_ dark: DarkFrame) {
      id = dark.id
      takenUnixSeconds = dark.takenAt.timeIntervalSince1970
      taken = UTCTimestamp.string(from: dark.takenAt)
      exposureS = dark.settings.exposureSeconds
      scansToAverage = dark.settings.scansToAverage
      gain = dark.gain
      detectorTemperatureC = dark.detectorTemperatureC
      fullScale = dark.fullScale
      method = dark.method
      counts = dark.counts
    }

    /// The dark frame, for `instrument`.
    func frame(of instrument: InstrumentIdentity) -> DarkFrame {
      DarkFrame(
        id: id, instrument: instrument, takenAt: Date(timeIntervalSince1970: takenUnixSeconds),
        settings: FrameSettings(exposureSeconds: exposureS, scansToAverage: scansToAverage),
        gain: gain, detectorTemperatureC: detectorTemperatureC, counts: counts,
        fullScale: fullScale, method: method)
    }

    enum CodingKeys: String, CodingKey {
      case id, taken, gain, method, counts
      case takenUnixSeconds = "taken_unix_s"
      case exposureS = "exposure_s"
      case scansToAverage = "scans_to_average"
      case detectorTemperatureC = "detector_temperature_c"
      case fullScale = "full_scale"
    }
  }

  /// The state file of `instrumentID` in `directory`.
  static func path(directory: String, instrumentID: String) -> String {
    directory + "/.instrument-state-" + instrumentID + ".json"
  }

  /// The file's bytes.
  func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(self)
  }

  /// Reads the state file at `path`: `nil` when there is none, else the state or the reason it
  /// cannot be used for `instrumentID`.
  static func load(path: String, instrumentID: String) -> Result<Self, StateFileProblem>? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      return .failure(StateFileProblem(path: path, reason: "unreadable"))
    }
    return decode(data, path: path, instrumentID: instrumentID)
  }

  /// The state in `data`, or why it cannot be used for `instrumentID`.
  static func decode(_ data: Data, path: String, instrumentID: String) -> Result<
    Self, StateFileProblem
  > {
    struct Header: Decodable {
      var format: String?
      var version: Int?
    }
    guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
      return .failure(
        StateFileProblem(path: path, reason: "not a JSON object (truncated or corrupt)"))
    }
    guard header.format == formatName else {
      return .failure(
        StateFileProblem(
          path: path, reason: "not a \(formatName) file (format \(header.format ?? "missing"))"))
    }
    guard header.version == currentVersion else {
      return .failure(
        StateFileProblem(
          path: path,
          reason:
            "version \(header.version.map(String.init) ?? "missing"), this whitlockd reads \(currentVersion)"
        ))
    }
    let state: Self
    do { state = try JSONDecoder().decode(Self.self, from: data) } catch {
      return .failure(StateFileProblem(path: path, reason: "bad member: \(Self.describe(error))"))
    }
    guard state.instrument == instrumentID else {
      return .failure(
        StateFileProblem(
          path: path, reason: "belongs to instrument \(state.instrument), not \(instrumentID)"))
    }
    if let dark = state.dark, dark.counts.count != state.device.pixels {
      return .failure(
        StateFileProblem(
          path: path,
          reason: "the dark has \(dark.counts.count) pixels, the device \(state.device.pixels)"))
    }
    return .success(state)
  }

  /// A decoding error as the member path and what is wrong.
  private static func describe(_ error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
      keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?:
      return "\(path(context.codingPath + [key])) missing"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?,
      .dataCorrupted(let context)?:
      return "\(path(context.codingPath)): \(context.debugDescription)"
    default:
      return "\(error)"
    }
  }

  /// Replaces the file at `path` durably: a temporary file beside it written and flushed,
  /// renamed over it, and the directory flushed, so that a crash or power cut at any moment
  /// leaves either the old state or the new one, never a mix.
  func write(to path: String) throws(StateFileProblem) {
    let bytes: Data
    do { bytes = try encoded() } catch {
      throw StateFileProblem(path: path, reason: "cannot encode: \(error)")
    }
    let temporary = path + ".tmp"
    let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
    guard fd >= 0 else { throw Self.failure("cannot create", temporary) }
    var written = 0
    let failed: StateFileProblem? = bytes.withUnsafeBytes { buffer in
      while written < buffer.count {
        let count = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
        if count < 0 {
          if errno == EINTR { continue }
          return Self.failure("cannot write", temporary)
        }
        written += count
      }
      return Glibc.fsync(fd) == 0 ? nil : Self.failure("cannot flush", temporary)
    }
    Glibc.close(fd)
    if let failed {
      Glibc.unlink(temporary)
      throw failed
    }
    guard Glibc.rename(temporary, path) == 0 else {
      let problem = Self.failure("cannot rename \(temporary) to", path)
      Glibc.unlink(temporary)
      throw problem
    }
    let directory = (path as NSString).deletingLastPathComponent
    let directoryFD = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
    guard directoryFD >= 0 else { throw Self.failure("cannot open directory", directory) }
    defer { Glibc.close(directoryFD) }
    guard Glibc.fsync(directoryFD) == 0 else { throw Self.failure("cannot flush", directory) }
  }

  private static func failure(_ operation: String, _ path: String) -> StateFileProblem {
    StateFileProblem(
      path: path, reason: "\(operation) \(path): \(String(cString: strerror(errno)))")
  }
}

/// Why an instrument's state file was not used or not written; names the file.
struct StateFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
  var path: String
  var reason: String

  var description: String { "\(path): \(reason)" }
}
