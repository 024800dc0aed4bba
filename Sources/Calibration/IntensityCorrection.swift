import WhitlockCore

/// Which pixels of one spectrum an intensity correction reaches on one axis.
public struct IntensityCoverage: Sendable, Equatable {
  /// First and last pixel inside the correction's covered range (a Raman-shift axis is
  /// monotonic, so every pixel between them is corrected too); `nil` when none is.
  public var pixels: ClosedRange<Int>?
  /// Pixels corrected.
  public var correctedCount: Int
  /// Pixels in the spectrum.
  public var totalCount: Int

  /// A coverage from its parts.
  public init(pixels: ClosedRange<Int>?, correctedCount: Int, totalCount: Int) {
    self.pixels = pixels
    self.correctedCount = correctedCount
    self.totalCount = totalCount
  }

  /// The share of the spectrum's pixels corrected, 0...1.
  public var fraction: Double {
    totalCount > 0 ? Double(correctedCount) / Double(totalCount) : 0
  }
}

/// Whether a spectrum's intensities were corrected, as its result records it.
public enum IntensityCorrectionState: Sendable, Equatable {
  /// Multiplied by the response factors over `coverage`; the other pixels are as measured.
  case applied(IntensityCoverage)
  /// Left uncorrected, and why.
  case refused(IntensityCorrectionRefusal)
}

/// Why a configured intensity correction was not applied to a spectrum.
public enum IntensityCorrectionRefusal: String, Sendable, Equatable, CaseIterable {
  /// An axis calibration acquired online replaced the one the correction was made on: its
  /// factors belong to another axis.
  case axisCalibrationChanged = "axis calibration changed"
  /// The correction was made on an axis calibration that could not be applied to this
  /// spectrum's device axis, so the spectrum is on another axis than the correction.
  case axisCalibrationNotApplied = "axis calibration not applied"
  /// The spectrum is on another axis calibration than the correction (offline input).
  case otherAxisCalibration = "made on another axis calibration"
  /// The spectrum has no Raman-shift axis (an energy axis, or none).
  case noRamanShiftAxis = "no Raman-shift axis"
  /// No pixel of the spectrum lies inside the covered range.
  case outsideCoveredRange = "spectrum outside the covered range"
}

extension IntensityCalibration {
  /// Fills `factors` (resized to `shifts.count`, reusing its storage) with the correction's
  /// factor at each shift, linear between nodes, and 1 where the shift lies outside the covered
  /// range: there the intensity stays as measured. Called once per axis, so that each spectrum
  /// is corrected by one multiplication per pixel.
  public func fillFactors(_ factors: inout [Double], shifts: [Double]) -> IntensityCoverage {
    if factors.count != shifts.count {
      factors.removeAll(keepingCapacity: true)
      factors.append(contentsOf: repeatElement(1, count: shifts.count))
    }
    var first = -1
    var last = -1
    var count = 0
    for index in shifts.indices {
      if let factor = factor(atShift: shifts[index]) {
        factors[index] = factor
        if first < 0 { first = index }
        last = index
        count += 1
      } else {
        factors[index] = 1
      }
    }
    return IntensityCoverage(
      pixels: first < 0 ? nil : first...last, correctedCount: count, totalCount: shifts.count)
  }

  /// What a result records about this correction: the standard, the table's id and creation
  /// time, the axis calibration it was made on (`null`: the vendor axis), the covered range and
  /// whether (and where) it was applied to the spectrum or why not.
  public func provenance(_ state: IntensityCorrectionState) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("id", .string(id)),
      ("standard", .string(standard.rawValue)),
      ("certificate", .string(standard.title)),
      ("created", .string(created)),
      ("standard_file", .string(standardFile)),
      ("axis_calibration", axisCalibrationID.isEmpty ? .null : .string(axisCalibrationID)),
      ("covered_cm1", .array([.double(range.lowerBound), .double(range.upperBound)])),
    ]
    switch state {
    case .applied(let coverage):
      members.append(("state", .string("applied")))
      members.append(("refusal", .null))
      if let pixels = coverage.pixels {
        members.append(
          (
            "corrected_pixels",
            .array([.int(Int64(pixels.lowerBound)), .int(Int64(pixels.upperBound))])
          )
        )
      } else {
        members.append(("corrected_pixels", .null))
      }
      members.append(("corrected_fraction", .double((coverage.fraction * 1e4).rounded() / 1e4)))
    case .refused(let reason):
      members.append(("state", .string("refused")))
      members.append(("refusal", .string(reason.rawValue)))
      members.append(("corrected_pixels", .null))
      members.append(("corrected_fraction", .double(0)))
    }
    return .object(members)
  }
}
