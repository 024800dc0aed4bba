import WhitlockCore

/// The fields of a Wasatch EEPROM (pages of 64 bytes) the driver needs.
///
/// Offsets from wasatch 2.5.2 `wasatch/EEPROM.py` (`read_eeprom`): page 0 model s16 @0, serial
/// s16 @16, has_cooling @36, has_laser @38, feature_mask / excitation u16 @39, startup integration
/// ms u16 @43, format @63; page 1 wavelength c0…c3 float32 @0/4/8/12; page 2 detector s16 @0,
/// active pixels u16 @16, c4 float32 @21 (format ≥ 8; before format 5 @21/@23 held min/max
/// integration ms as u16); page 3 max laser mW float32 @28, excitation float32 @36 (format ≥ 4),
/// min/max integration ms u32 @40/@44 (format ≥ 5). Little-endian (Python's native order on the
/// hosts Wasatch.PY runs on).
public struct WasatchEEPROM: Sendable, Equatable {
  public var format: UInt8
  public var model: String
  public var serial: String
  public var detector: String
  public var hasCooling: Bool
  public var hasLaser: Bool
  /// Feature bits (format ≥ 10); bit 0 = spectra arrive reversed.
  public var featureMask: UInt16
  public var startupIntegrationMilliseconds: UInt16
  /// λ(p) = Σ cᵢ pⁱ in nm (c4 only from format 8).
  public var wavelengthCoefficients: [Double]
  public var activePixelsHorizontal: Int
  public var excitationNanometres: Double
  public var minimumIntegrationMilliseconds: UInt32
  public var maximumIntegrationMilliseconds: UInt32
  public var maximumLaserPowerMilliwatts: Double

  /// Whether spectra must be reversed (feature_mask bit 0x0001, "invert_x_axis").
  public var invertsXAxis: Bool { format >= 10 && featureMask & 0x0001 != 0 }

  /// Why pages could not be parsed.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPages(received: Int)
    case wrongPageSize(page: Int, size: Int)
    case unprogrammed
    /// The active pixel count is outside what any Wasatch detector has.
    case implausiblePixelCount(Int)
    /// A wavelength coefficient is NaN or infinite.
    case nonFiniteWavelengthCoefficient(index: Int)
    /// The wavelength axis leaves the range spectrometers cover, or does not increase.
    case implausibleWavelengthAxis(firstNanometres: Double, lastNanometres: Double)

    public var description: String {
      switch self {
      case .missingPages(let received): return "EEPROM needs pages 0–3, got \(received)"
      case .wrongPageSize(let page, let size):
        return "EEPROM page \(page) has \(size) bytes, not 64"
      case .unprogrammed: return "EEPROM is unprogrammed (all 0xFF)"
      case .implausiblePixelCount(let pixels):
        return "EEPROM gives \(pixels) active pixels (expected \(WasatchEEPROM.pixelRange))"
      case .nonFiniteWavelengthCoefficient(let index):
        return "EEPROM wavelength coefficient c\(index) is not a finite number"
      case .implausibleWavelengthAxis(let first, let last):
        return "EEPROM wavelength axis runs \(first)…\(last) nm: not increasing within "
          + "\(WasatchEEPROM.wavelengthRange) nm"
      }
    }
  }

  /// Parses pages 0… (at least 0–3).
  public init(pages: [[UInt8]]) throws(Failure) {
    guard pages.count >= 4 else { throw .missingPages(received: pages.count) }
    for (number, page) in pages.enumerated() where page.count != 64 {
      throw .wrongPageSize(page: number, size: page.count)
    }
    guard !pages[0].allSatisfy({ $0 == 0xFF }) else { throw .unprogrammed }
    let p0 = pages[0]
    let p1 = pages[1]
    let p2 = pages[2]
    let p3 = pages[3]
    format = p0[63]
    model = Self.text(p0, 0, 16)
    serial = Self.text(p0, 16, 16)
    detector = Self.text(p2, 0, 16)
    hasCooling = p0[36] != 0
    hasLaser = p0[38] != 0
    let word39 = Self.u16(p0, 39)
    featureMask = format >= 10 ? word39 : 0
    startupIntegrationMilliseconds = Self.u16(p0, 43)
    wavelengthCoefficients = (0..<4).map { Double(Self.float(p1, 4 * $0)) }
    if format >= 8 { wavelengthCoefficients.append(Double(Self.float(p2, 21))) }
    activePixelsHorizontal = Int(Self.u16(p2, 16))
    excitationNanometres = format >= 4 ? Double(Self.float(p3, 36)) : Double(word39)
    if format >= 5 {
      minimumIntegrationMilliseconds = Self.u32(p3, 40)
      maximumIntegrationMilliseconds = Self.u32(p3, 44)
    } else {
      minimumIntegrationMilliseconds = UInt32(Self.u16(p2, 21))
      maximumIntegrationMilliseconds = UInt32(Self.u16(p2, 23))
    }
    maximumLaserPowerMilliwatts = Double(Self.float(p3, 28))
  }

  /// Active pixel counts of real detectors (512 to 2048 today), with room.
  public static let pixelRange = 16...8192
  /// Wavelengths a UV-to-SWIR spectrometer's axis may span, nm.
  public static let wavelengthRange = WavelengthPolynomialCheck.range

  /// Checks the values spectra depend on, so that an unprogrammed or corrupted EEPROM is
  /// reported at open instead of producing records no reader can use: the pixel count, finite
  /// wavelength coefficients, and an axis that increases across the detector within
  /// `wavelengthRange`.
  public func validate() throws(Failure) {
    guard Self.pixelRange.contains(activePixelsHorizontal) else {
      throw .implausiblePixelCount(activePixelsHorizontal)
    }
    if let bad = wavelengthCoefficients.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteWavelengthCoefficient(index: bad)
    }
    if WavelengthPolynomialCheck.problem(
      coefficients: wavelengthCoefficients, pixels: activePixelsHorizontal) != nil
    {
      func wavelength(_ pixel: Int) -> Double {
        wavelengthCoefficients.reversed().reduce(0) { $0 * Double(pixel) + $1 }
      }
      throw .implausibleWavelengthAxis(
        firstNanometres: wavelength(0), lastNanometres: wavelength(activePixelsHorizontal - 1))
    }
  }

  private static func text(_ page: [UInt8], _ offset: Int, _ length: Int) -> String {
    let field = page[offset..<(offset + length)].prefix { $0 != 0 && $0 != 0xFF }
    return String(decoding: field, as: UTF8.self).trimmingCharacters()
  }

  static func u16(_ page: [UInt8], _ offset: Int) -> UInt16 {
    LittleEndian.read(UInt16.self, from: page, at: offset)
  }

  static func u32(_ page: [UInt8], _ offset: Int) -> UInt32 {
    LittleEndian.read(UInt32.self, from: page, at: offset)
  }

  static func float(_ page: [UInt8], _ offset: Int) -> Float {
    Float(bitPattern: u32(page, offset))
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var text = Substring(self)
    while text.last == " " { text.removeLast() }
    while text.first == " " { text.removeFirst() }
    return String(text)
  }
}
