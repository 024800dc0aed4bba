import WhitlockCore

/// Only the spectrum of an `acquisition` record: kind, axis, full scale and counts.
///
/// Reanalysis (`whitlockctl analyze`) accepts records cut down to these members (made by hand or
/// by other tools), so this reads them without the rest an `AcquisitionRecord` requires; the
/// same errors name the member at fault.
public struct RecordedSpectrum: Sendable, Equatable {
  public var seq: UInt64?
  public var kind: InstrumentKind
  public var axis: AxisCalibration
  public var fullScale: UInt32
  /// Counts as numbers (reanalysis works in floating point).
  public var counts: [Double]

  /// `nil` for records that are not acquisitions.
  public init?(_ value: JSONValue, at location: RecordLocation) throws(RecordDecodingError) {
    let seq: UInt64? =
      if case .int(let number)? = value["seq"], number >= 0 { UInt64(number) } else { nil }
    let reader = MemberReader(value: value, path: "", location: location, seq: seq)
    guard try reader.optionalString("type") == "acquisition" else { return nil }
    self.seq = seq
    let instrument = try reader.object("instrument")
    let kindName = try instrument.string("kind")
    guard let kind = InstrumentKind(rawValue: kindName) else {
      throw instrument.failure("kind", "\"\(kindName)\" is not raman or xrf")
    }
    self.kind = kind
    let fullScale = try reader.object("acquisition").number("full_scale")
    guard fullScale >= 1, fullScale <= Double(UInt32.max) else {
      throw reader.failure("acquisition.full_scale", "\(fullScale) is not a positive count")
    }
    self.fullScale = UInt32(fullScale)
    axis = try AcquisitionRecord.axis(reader.object("axis"))
    var counts: [Double] = []
    for (index, item) in try reader.array("counts").enumerated() {
      guard let number = item.doubleValue else {
        throw reader.failure("counts[\(index)]", "expected a number")
      }
      counts.append(number)
    }
    guard !counts.isEmpty else { throw reader.failure("counts", "empty") }
    self.counts = counts
  }
}
