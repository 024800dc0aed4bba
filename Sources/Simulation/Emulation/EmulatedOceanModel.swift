/// The device-side facts an Ocean Insight emulation needs, independent of the driver's own table
/// so that a mistake in one shows up as a failing round trip.
///
/// Values from python-seabreeze 2.11.0 `pyseabreeze/devices.py` and `features/spectrometer.py`.
public struct EmulatedOceanModel: Sendable, Equatable {
  /// How spectra leave the device.
  public enum Readout: Sendable, Equatable {
    /// OBP `GET_RAW_SPECTRUM_NOW` (0x00101100): u16 LE pixels.
    case obpWords
    /// OBP `GET_BUF_SPEC32_META` (0x00100928): 32 metadata bytes, then u32 LE pixels.
    case obpLongWordsWithMetadata
    /// OOI: u16 LE words XORed with the mask, then the sync byte 0x69; `split` models send the
    /// first 2048 bytes on EP 0x86 at high speed.
    case ooiWords(flipMask: UInt16, split: Bool)
  }

  public var name: String
  public var productID: UInt16
  public var pixelCount: Int
  public var fullScale: UInt32
  public var readout: Readout
  /// Integration limits in µs and the unit the device takes (µs = 1, ms = 1000).
  public var integrationMicroseconds: ClosedRange<UInt64>
  public var integrationBase: UInt64
  public var darkPixels: [Int]
  /// OOI QE65000: the stored polynomial is indexed from −10.
  public var polynomialPixelOffset: Int = 0

  /// Whether the device speaks OBP.
  public var isOBP: Bool {
    if case .ooiWords = readout { return false }
    return true
  }

  public static let qePro = EmulatedOceanModel(
    name: "QEPRO", productID: 0x4004, pixelCount: 1044, fullScale: 200_000,
    readout: .obpLongWordsWithMetadata, integrationMicroseconds: 8000...1_600_000_000,
    integrationBase: 1, darkPixels: Array(0..<4) + Array(1040..<1044))
  public static let sts = EmulatedOceanModel(
    name: "STS", productID: 0x4000, pixelCount: 1024, fullScale: 16383, readout: .obpWords,
    integrationMicroseconds: 10...85_000_000, integrationBase: 1, darkPixels: [])
  public static let usb2000Plus = EmulatedOceanModel(
    name: "USB2000PLUS", productID: 0x101E, pixelCount: 2048, fullScale: 65535,
    readout: .ooiWords(flipMask: 0, split: false), integrationMicroseconds: 1000...655_350_000,
    integrationBase: 1, darkPixels: Array(6..<21))
  public static let hr4000 = EmulatedOceanModel(
    name: "HR4000", productID: 0x1012, pixelCount: 3840, fullScale: 16383,
    readout: .ooiWords(flipMask: 0x2000, split: true), integrationMicroseconds: 10...655_350_000,
    integrationBase: 1, darkPixels: Array(2..<13))
  public static let qe65000 = EmulatedOceanModel(
    name: "QE65000", productID: 0x1018, pixelCount: 1280, fullScale: 65535,
    readout: .ooiWords(flipMask: 0x8000, split: false),
    integrationMicroseconds: 8000...1_600_000_000, integrationBase: 1000,
    darkPixels: Array(0..<4) + Array(1040..<1044), polynomialPixelOffset: -10)
  public static let maya2000Pro = EmulatedOceanModel(
    name: "MAYA2000PRO", productID: 0x102A, pixelCount: 2304, fullScale: 64000,
    readout: .ooiWords(flipMask: 0, split: false), integrationMicroseconds: 7200...65_000_000,
    integrationBase: 1, darkPixels: Array(0..<4) + Array(2064..<2068))

  public static let usb4000 = EmulatedOceanModel(
    name: "USB4000", productID: 0x1022, pixelCount: 3840, fullScale: 65535,
    readout: .ooiWords(flipMask: 0, split: true), integrationMicroseconds: 10...65_535_000,
    integrationBase: 1, darkPixels: Array(5..<16))

  public static let all: [EmulatedOceanModel] = [
    qePro, sts, usb2000Plus, hr4000, qe65000, maya2000Pro, usb4000,
  ]
}

/// What every spectrometer emulation is configured with.
public struct EmulatedSpectrometerSettings: Sendable, Equatable {
  /// Seed of the noise and of the sample schedule.
  public var seed: UInt64 = 1
  /// The serial number the device reports.
  public var serial = "EMU00001"
  /// Acquisitions at one sample point before the probe moves on.
  public var acquisitionsPerPoint = 5
  /// Fraction of the integration time a spectrum reply is held back in real time.
  public var pacing = 0.0
  /// Laser wavelength of the physical model, nm.
  public var excitationNanometres = 785.0
  /// OBP: whether replies carry an MD5 checksum.
  public var checksums = false
  /// Faults injected into replies.
  public var faults = EmulatedFaults()
  /// The non-linearity polynomial (orders 0…7) an OOI device's EEPROM holds; `nil` stores a
  /// typical one. All zeros is what an unprogrammed EEPROM gives (python-seabreeze issue 40).
  public var nonlinearity: [Double]? = nil
  /// The device applies a changed integration time from the second spectrum on, as some
  /// firmware does (python-seabreeze issues 110, 177, 283); the first is integrated with the
  /// old one.
  public var lateIntegrationChange = false
  /// How far the stored wavelength polynomial and the stated laser are from the true ones
  /// (exact by default).
  public var axisError = EmulatedAxisError()

  public init(seed: UInt64 = 1, serial: String = "EMU00001") {
    self.seed = seed
    self.serial = serial
  }
}
