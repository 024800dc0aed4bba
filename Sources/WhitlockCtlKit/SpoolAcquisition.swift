import WhitlockCore

/// The members of an `acquisition` record an export needs, checked: a record missing one is
/// refused with the name of the missing key.
struct SpoolAcquisition {
  var seq: UInt64
  var runID: String
  var instrument: InstrumentIdentity
  var deviceSeq: Int64
  var started: String
  var ended: String
  var exposureSeconds: Double
  var fullScale: UInt32
  var saturatedChannels: Int64
  var calibration: AxisCalibration
  var counts: [UInt32]
  var parameters: JSONValue
  var detection: JSONValue

  /// Reads `record`; `seq` is its sequence number.
  init(_ record: JSONValue, seq: UInt64) throws(SpectrumInputError) {
    func missing(_ key: String) -> SpectrumInputError {
      SpectrumInputError("acquisition seq \(seq) has no valid \(key)")
    }
    self.seq = seq
    guard let runID = record["run_id"]?.stringValue else { throw missing("run_id") }
    self.runID = runID
    instrument = try Self.identity(record["instrument"], seq: seq)
    let acquisition = record["acquisition"]
    guard let started = acquisition?["started"]?.stringValue else {
      throw missing("acquisition.started")
    }
    guard let ended = acquisition?["ended"]?.stringValue else { throw missing("acquisition.ended") }
    guard let fullScale = acquisition?["full_scale"]?.doubleValue, fullScale >= 1 else {
      throw missing("acquisition.full_scale")
    }
    self.started = started
    self.ended = ended
    self.fullScale = UInt32(clamping: Int64(fullScale))
    deviceSeq = Int64(acquisition?["device_seq"]?.doubleValue ?? 0)
    exposureSeconds = acquisition?["exposure_s"]?.doubleValue ?? .nan
    saturatedChannels = Int64(acquisition?["saturated_channels"]?.doubleValue ?? 0)
    parameters = acquisition?["parameters"] ?? .object([])
    detection = record["detection"] ?? .object([])
    guard case .array(let items)? = record["counts"], !items.isEmpty else {
      throw missing("counts")
    }
    var counts: [UInt32] = []
    counts.reserveCapacity(items.count)
    for item in items {
      guard case .int(let value) = item, value >= 0, value <= Int64(UInt32.max) else {
        throw missing("counts (non-negative integers)")
      }
      counts.append(UInt32(value))
    }
    self.counts = counts
    let axis = record["axis"]
    switch axis?["type"]?.stringValue {
    case "wavelength-polynomial":
      guard case .array(let coefficients)? = axis?["coefficients_nm"],
        let excitation = axis?["excitation_nm"]?.doubleValue
      else { throw missing("axis.coefficients_nm/excitation_nm") }
      calibration = .wavelengthPolynomial(
        coefficients: coefficients.compactMap(\.doubleValue), excitationNanometres: excitation)
    case "linear-energy":
      guard let gain = axis?["kev_per_channel"]?.doubleValue,
        let offset = axis?["offset_kev"]?.doubleValue
      else { throw missing("axis.kev_per_channel/offset_kev") }
      calibration = .linearEnergy(keVPerChannel: gain, offsetKeV: offset)
    default: throw missing("axis.type")
    }
  }

  /// The `instrument` object of any record.
  static func identity(_ value: JSONValue?, seq: UInt64) throws(SpectrumInputError)
    -> InstrumentIdentity
  {
    guard let id = value?["id"]?.stringValue, !id.isEmpty,
      let kind = value?["kind"]?.stringValue.flatMap(InstrumentKind.init(rawValue:))
    else { throw SpectrumInputError("record seq \(seq) has no valid instrument.id/kind") }
    return InstrumentIdentity(
      id: id, kind: kind, model: value?["model"]?.stringValue ?? "",
      serial: value?["serial"]?.stringValue ?? "", family: value?["family"]?.stringValue ?? "",
      firmware: value?["firmware"]?.stringValue)
  }
}
