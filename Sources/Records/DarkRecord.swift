import WhitlockCore

/// `dark`: a dark spectrum an instrument took on request; later spectra subtract it while their
/// settings match and name it (`AcquisitionRecord.darkUse`).
public struct DarkRecord: Sendable, Equatable {
  public var header: RecordHeader
  public var run: RunInfo
  /// The id spectra name it by.
  public var id: String
  public var taken: String
  public var exposureSeconds: Double
  public var scansToAverage: Int64
  public var gain: Double?
  public var detectorTemperatureC: Double?
  /// `laser-off` or `operator-blocked`.
  public var method: String
  public var fullScale: Int64
  /// Mean counts per pixel over the averaged scans.
  public var counts: [Double]

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    run = try RunInfo(reader.object("run"))
    let dark = try reader.object("dark")
    id = try dark.string("id")
    taken = try dark.string("taken")
    exposureSeconds = try dark.number("exposure_s")
    scansToAverage = try dark.integer("scans_to_average")
    gain = try dark.optionalNumber("gain")
    detectorTemperatureC = try dark.optionalNumber("detector_temperature_c")
    method = try dark.string("method")
    fullScale = try dark.integer("full_scale")
    var counts: [Double] = []
    for item in try reader.array("counts") {
      guard let value = item.doubleValue else {
        throw reader.failure("counts", "expected numbers")
      }
      counts.append(value)
    }
    self.counts = counts
  }
}

/// How one spectrum used its instrument's dark (`parameters.dark` of an acquisition).
public struct DarkUse: Sendable, Equatable {
  /// The dark's id (its `dark` record).
  public var id: String
  /// Whether it was subtracted (exposure, gain and pixel count matched).
  public var subtracted: Bool
  /// What is wrong with it: `exposure-mismatch`, `gain-mismatch`, `pixel-count-mismatch`,
  /// `temperature-mismatch`, `stale`.
  public var flags: [String]
  /// Its age when the spectrum was taken, s.
  public var ageSeconds: Double

  public init(id: String, subtracted: Bool, flags: [String], ageSeconds: Double) {
    self.id = id
    self.subtracted = subtracted
    self.flags = flags
    self.ageSeconds = ageSeconds
  }
}

extension AcquisitionRecord {
  /// The dark this spectrum met, `nil` when none had been taken (or the chain was off).
  public var darkUse: DarkUse? {
    guard case .object = parameter("dark"), let dark = parameter("dark"),
      case .string(let id)? = dark["id"], case .bool(let subtracted)? = dark["subtracted"]
    else { return nil }
    var flags: [String] = []
    if case .array(let items)? = dark["flags"] {
      flags = items.compactMap { $0.stringValue }
    }
    return DarkUse(
      id: id, subtracted: subtracted, flags: flags, ageSeconds: dark["age_s"]?.doubleValue ?? 0)
  }
}
