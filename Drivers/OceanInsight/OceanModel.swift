import Foundation
import WhitlockCore

/// What the driver must know about one Ocean Insight spectrometer model.
///
/// Values from python-seabreeze 2.11.0 `pyseabreeze/devices.py` (VID/PID, endpoint map, pixel
/// counts, raw spectrum length, maximum value, integration limits and base, dark pixels) and
/// `features/spectrometer.py` (per-model bit fixes, the QE65000 pixel offset, the 4K split read).
public struct OceanModel: Sendable, Equatable {
  /// Which command set the model speaks.
  public enum CommandSet: String, Sendable {
    /// Legacy one-opcode commands, spectra on high-speed bulk endpoints.
    case ooi
    /// Ocean Binary Protocol 0x1100.
    case obp
  }

  /// How the raw spectrum bytes are laid out.
  public enum SpectrumFormat: Sendable, Equatable {
    /// OOI: u16 LE words, each XORed with `flipMask` on the device, then one sync byte 0x69.
    case ooiWords(flipMask: UInt16)
    /// OBP: u16 LE pixels, nothing else (STS: `GET_RAW_SPECTRUM_NOW`).
    case obpWords
    /// OBP: `metadataLength` bytes of metadata, then u32 LE pixels (QE Pro).
    case obpLongWordsWithMetadata(metadataLength: Int)
  }

  /// Bulk endpoints (python-seabreeze `EndPointMap`).
  public struct Endpoints: Sendable, Equatable {
    public var out: UInt8
    public var lowSpeedIn: UInt8
    public var highSpeedIn: UInt8?
    /// The second high-speed endpoint: the first 2048 bytes of a 4K model's spectrum.
    public var highSpeedIn2: UInt8?
  }

  /// Name as python-seabreeze spells it (used in configuration and records).
  public var name: String
  /// USB vendor ID (0x2457 for all these).
  public var vendorID: UInt16 = 0x2457
  public var productID: UInt16
  public var commandSet: CommandSet
  public var endpoints: Endpoints
  /// Pixels read out per spectrum.
  public var pixelCount: Int
  public var spectrumFormat: SpectrumFormat
  /// ADC resolution in bits.
  public var bitDepth: Int
  /// The largest count the device reports; pixels at or above it are saturated.
  public var saturationLevel: UInt32
  /// Accepted integration times in µs.
  public var integrationMicroseconds: ClosedRange<UInt32>
  /// Units of the integration time on the wire, in µs (1000 when the device takes ms).
  public var integrationBaseMicroseconds: UInt32
  /// Electrically dark (masked) pixels, used to estimate the offset.
  public var darkPixels: [Range<Int>]
  /// The pixel index the wavelength polynomial gives to readout pixel 0 (QE65000: −10).
  public var wavelengthPixelOffset: Int = 0
  /// The 4K models read the first 2048 bytes of a high-speed spectrum from `highSpeedIn2`.
  public var splitsHighSpeedReadout = false
  /// The OBP message that returns a spectrum.
  public var spectrumMessageType: UInt32 = OBPMessageType.rawSpectrumNow

  /// Bytes in one raw spectrum as it arrives (payload for OBP; words plus sync byte for OOI).
  public var rawSpectrumLength: Int {
    switch spectrumFormat {
    case .ooiWords: return pixelCount * 2 + 1
    case .obpWords: return pixelCount * 2
    case .obpLongWordsWithMetadata(let metadata): return metadata + pixelCount * 4
    }
  }

  /// Every dark pixel index, in order.
  public var darkPixelIndices: [Int] { darkPixels.flatMap { Array($0) } }
}

extension OceanModel {
  private static let fpgaEndpoints = Endpoints(
    out: 0x01, lowSpeedIn: 0x81, highSpeedIn: 0x82, highSpeedIn2: 0x86)
  private static let obpEndpoints = Endpoints(
    out: 0x01, lowSpeedIn: 0x81, highSpeedIn: nil, highSpeedIn2: nil)

  /// QE Pro: OBP, 1044 pixels as u32 after 32 metadata bytes, 18-bit (libseabreeze
  /// `QEProSpectrometerFeature.cpp` limits the usable maximum to 200 000), 8 ms – 1600 s.
  public static let qePro = OceanModel(
    name: "QEPRO", productID: 0x4004, commandSet: .obp, endpoints: obpEndpoints,
    pixelCount: 1044, spectrumFormat: .obpLongWordsWithMetadata(metadataLength: 32), bitDepth: 18,
    saturationLevel: 200_000, integrationMicroseconds: 8000...1_600_000_000,
    integrationBaseMicroseconds: 1, darkPixels: [0..<4, 1040..<1044],
    spectrumMessageType: OBPMessageType.bufferedSpectrum32WithMetadata)

  /// STS: OBP, 1024 pixels as u16, 14-bit, 10 µs – 85 s, no dark pixels.
  public static let sts = OceanModel(
    name: "STS", productID: 0x4000, commandSet: .obp, endpoints: obpEndpoints, pixelCount: 1024,
    spectrumFormat: .obpWords, bitDepth: 14, saturationLevel: 16383,
    integrationMicroseconds: 10...85_000_000, integrationBaseMicroseconds: 1, darkPixels: [])

  /// QE65000: OOI, 1280 words read out (1044 usable), bit 15 flipped, integration in ms,
  /// wavelength polynomial indexed from −10.
  public static let qe65000 = OceanModel(
    name: "QE65000", productID: 0x1018, commandSet: .ooi, endpoints: fpgaEndpoints,
    pixelCount: 1280, spectrumFormat: .ooiWords(flipMask: 0x8000), bitDepth: 16,
    saturationLevel: 65535, integrationMicroseconds: 8000...1_600_000_000,
    integrationBaseMicroseconds: 1000, darkPixels: [0..<4, 1040..<1044],
    wavelengthPixelOffset: -10)

  /// Maya2000 Pro: OOI, 2304 pixels, 16-bit ADC limited to 64 000, 7.2 ms – 65 s.
  public static let maya2000Pro = OceanModel(
    name: "MAYA2000PRO", productID: 0x102A, commandSet: .ooi, endpoints: fpgaEndpoints,
    pixelCount: 2304, spectrumFormat: .ooiWords(flipMask: 0), bitDepth: 16,
    saturationLevel: 64000, integrationMicroseconds: 7200...65_000_000,
    integrationBaseMicroseconds: 1, darkPixels: [0..<4, 2064..<2068])

  /// HR4000: OOI, 3840 pixels, 14-bit with bit 13 flipped, split high-speed read, 10 µs – 655 s.
  public static let hr4000 = OceanModel(
    name: "HR4000", productID: 0x1012, commandSet: .ooi, endpoints: fpgaEndpoints,
    pixelCount: 3840, spectrumFormat: .ooiWords(flipMask: 0x2000), bitDepth: 14,
    saturationLevel: 16383, integrationMicroseconds: 10...655_350_000,
    integrationBaseMicroseconds: 1, darkPixels: [2..<13], splitsHighSpeedReadout: true)

  /// USB2000+: OOI, 2048 pixels, 16-bit, 1 ms – 655 s (the Flame-S manual allows 10 µs –
  /// 65.5 s; python-seabreeze's range is used).
  public static let usb2000Plus = OceanModel(
    name: "USB2000PLUS", productID: 0x101E, commandSet: .ooi, endpoints: fpgaEndpoints,
    pixelCount: 2048, spectrumFormat: .ooiWords(flipMask: 0), bitDepth: 16,
    saturationLevel: 65535, integrationMicroseconds: 1000...655_350_000,
    integrationBaseMicroseconds: 1, darkPixels: [6..<21])

  /// USB4000: OOI, 3840 pixels, 16-bit, split high-speed read, 10 µs – 65.5 s.
  public static let usb4000 = OceanModel(
    name: "USB4000", productID: 0x1022, commandSet: .ooi, endpoints: fpgaEndpoints,
    pixelCount: 3840, spectrumFormat: .ooiWords(flipMask: 0), bitDepth: 16,
    saturationLevel: 65535, integrationMicroseconds: 10...65_535_000,
    integrationBaseMicroseconds: 1, darkPixels: [5..<16], splitsHighSpeedReadout: true)

  /// Every supported model.
  public static let all: [OceanModel] = [
    qePro, sts, qe65000, maya2000Pro, hr4000, usb2000Plus, usb4000,
  ]

  /// The model called `name` (case-insensitive, `+` accepted for `PLUS`), or an error naming the
  /// supported ones.
  public static func named(_ name: String) throws(InstrumentError) -> OceanModel {
    let wanted = name.uppercased().replacingOccurrences(of: "+", with: "PLUS")
      .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "")
    if let model = all.first(where: { $0.name == wanted }) { return model }
    throw InstrumentError(
      .configuration,
      "unsupported Ocean Insight model \"\(name)\"; supported: "
        + all.map(\.name).joined(separator: ", "))
  }

  /// The model with USB product ID `productID`, or an error naming it.
  public static func withProductID(_ productID: UInt16) throws(InstrumentError) -> OceanModel {
    if let model = all.first(where: { $0.productID == productID }) { return model }
    throw InstrumentError(
      .deviceRejected,
      "Ocean Insight product ID 0x\(String(productID, radix: 16)) is not a supported model; "
        + "supported: " + all.map(\.name).joined(separator: ", "))
  }

  /// Integration time in the device's units for `seconds`, or an error when outside the model's
  /// limits.
  public func integrationValue(seconds: Double) throws(InstrumentError) -> UInt32 {
    let micros = (seconds * 1e6).rounded()
    guard micros.isFinite, micros >= Double(integrationMicroseconds.lowerBound),
      micros <= Double(integrationMicroseconds.upperBound)
    else {
      throw InstrumentError(
        .configuration,
        "integration time \(seconds) s is outside the \(name)'s "
          + "\(Double(integrationMicroseconds.lowerBound) / 1e6)…"
          + "\(Double(integrationMicroseconds.upperBound) / 1e6) s")
    }
    return UInt32(micros) / integrationBaseMicroseconds
  }

  /// Re-expresses a wavelength polynomial indexed from `wavelengthPixelOffset` in readout pixel
  /// indices from 0, so records always use λ(p) with p = 0, 1, ….
  public func readoutCoefficients(_ coefficients: [Double]) -> [Double] {
    guard wavelengthPixelOffset != 0 else { return coefficients }
    // λ(q) with q = p + offset: expand Σ cᵢ (p + o)ⁱ by the binomial theorem.
    let offset = Double(wavelengthPixelOffset)
    var result = [Double](repeating: 0, count: coefficients.count)
    for (power, coefficient) in coefficients.enumerated() {
      var binomial = 1.0
      for k in 0...power {
        result[k] += coefficient * binomial * pow(offset, Double(power - k))
        binomial = binomial * Double(power - k) / Double(k + 1)
      }
    }
    return result
  }
}
