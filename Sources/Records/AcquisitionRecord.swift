import WhitlockCore

/// `acquisition`: one spectrum with its axis, the device's report and the detector's result.
public struct AcquisitionRecord: Sendable, Equatable {
  /// The `acquisition` object: what the device reported about the exposure.
  public struct Exposure: Sendable, Equatable {
    public var deviceSeq: Int64
    public var started: String
    public var ended: String
    public var exposureSeconds: Double
    public var fullScale: UInt32
    public var saturatedChannels: Int64
    /// Driver-specific settings and read-backs (laser state, integration time, …).
    public var parameters: JSONValue
  }

  public var header: RecordHeader
  public var exposure: Exposure
  public var axis: AxisCalibration
  public var counts: [UInt32]
  public var detection: DetectionResult
  /// The simulation's truth, present only for simulated and emulated instruments.
  public var simulation: JSONValue?
  /// The map point this acquisition belongs to, when it was taken as part of a map.
  public var map: MapPointRecord?

  /// The `parameters` member `key` of the exposure, or `nil`.
  public func parameter(_ key: String) -> JSONValue? { exposure.parameters[key] }

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    let acquisition = try reader.object("acquisition")
    let fullScale = try acquisition.integer("full_scale")
    guard fullScale >= 1, fullScale <= Int64(UInt32.max) else {
      throw acquisition.failure("full_scale", "\(fullScale) is not a positive 32-bit count")
    }
    exposure = Exposure(
      deviceSeq: try acquisition.integer("device_seq"),
      started: try acquisition.string("started"), ended: try acquisition.string("ended"),
      exposureSeconds: try acquisition.number("exposure_s"), fullScale: UInt32(fullScale),
      saturatedChannels: try acquisition.integer("saturated_channels"),
      parameters: try acquisition.object("parameters").value)
    axis = try Self.axis(reader.object("axis"))
    let items = try reader.array("counts")
    guard !items.isEmpty else { throw reader.failure("counts", "empty") }
    var counts: [UInt32] = []
    counts.reserveCapacity(items.count)
    for (index, item) in items.enumerated() {
      guard case .int(let value) = item, value >= 0, value <= Int64(UInt32.max) else {
        throw reader.failure("counts[\(index)]", "expected a non-negative 32-bit integer")
      }
      counts.append(UInt32(value))
    }
    self.counts = counts
    detection = try DetectionResult(
      reader.object("detection"), kind: header.instrument.kind)
    simulation = reader.raw("simulation")
    if let member = try reader.optionalObject("map") {
      map = try MapPointRecord(member)
    } else {
      map = nil
    }
  }

  static func axis(_ reader: MemberReader) throws(RecordDecodingError) -> AxisCalibration {
    let type = try reader.string("type")
    switch type {
    case "wavelength-polynomial":
      var coefficients: [Double] = []
      for (index, item) in try reader.array("coefficients_nm").enumerated() {
        guard let value = item.doubleValue else {
          throw reader.failure("coefficients_nm[\(index)]", "expected a number")
        }
        coefficients.append(value)
      }
      return .wavelengthPolynomial(
        coefficients: coefficients, excitationNanometres: try reader.number("excitation_nm"))
    case "linear-energy":
      return .linearEnergy(
        keVPerChannel: try reader.number("kev_per_channel"),
        offsetKeV: try reader.number("offset_kev"))
    default:
      throw reader.failure("type", "\"\(type)\" is not wavelength-polynomial or linear-energy")
    }
  }
}
