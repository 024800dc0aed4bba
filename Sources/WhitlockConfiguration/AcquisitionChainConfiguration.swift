import WhitlockCore

extension AcquisitionChainSettings {
  /// Reads an instrument's `[instrument.acquisition]` table (absent: a fixed exposure of
  /// `exposure_s`, no averaging or smoothing, darks older than an hour flagged):
  ///
  /// ```toml
  /// [instrument.acquisition]
  /// scans_to_average = 4
  /// boxcar_half_width = 1
  /// auto_exposure = true
  /// target_counts = [40000, 50000]     # of a 65 535-count detector; scaled to its full scale
  /// exposure_range_s = [0.01, 2.0]
  /// auto_exposure_budget_s = 30
  /// dark_max_age_s = 3600
  /// dark_temperature_tolerance_c = 2
  /// nonlinearity_correction = true
  /// ```
  package static func read(_ reader: inout ConfigurationReader, exposureSeconds: Double)
    throws(ConfigurationError) -> AcquisitionChainSettings
  {
    var settings = AcquisitionChainSettings(exposureSeconds: exposureSeconds)
    settings.scansToAverage = try reader.integer("scans_to_average", default: 1, in: 1...10_000)
    settings.boxcarHalfWidth = try reader.integer("boxcar_half_width", default: 0, in: 0...50)
    settings.correctNonlinearity = try reader.boolean("nonlinearity_correction", default: true)
    settings.darkRules.maximumAgeSeconds = try reader.number(
      "dark_max_age_s", default: 3600, in: 1...604_800, unit: "s")
    settings.darkRules.temperatureToleranceC = try reader.number(
      "dark_temperature_tolerance_c", default: 2, in: 0...100, unit: "°C")
    var auto = AutoExposureSettings()
    if reader.table["target_counts"] != nil {
      let window = try reader.numberArray("target_counts", count: 2...2, magnitude: 65_535)
      guard window[0] > 0, window[0] < window[1] else {
        throw reader.error(
          "target_counts", "expected [low, high] with 0 < low < high ≤ 65535, got \(window)")
      }
      auto.targetCounts = window[0]...window[1]
    }
    if reader.table["exposure_range_s"] != nil {
      let range = try reader.numberArray("exposure_range_s", count: 2...2, magnitude: 3600)
      guard range[0] > 0, range[0] < range[1] else {
        throw reader.error(
          "exposure_range_s",
          "expected [shortest, longest] with 0 < shortest < longest, got \(range)")
      }
      auto.exposureRange = range[0]...range[1]
    }
    auto.budgetSeconds = try reader.number(
      "auto_exposure_budget_s", default: 30, in: 0.001...3600, unit: "s")
    if try reader.boolean("auto_exposure", default: false) { settings.autoExposure = auto }
    return settings
  }

  /// The settings as the `acquisition` member of a `run-start` record's settings.
  public var record: JSONValue {
    var members: [(String, JSONValue)] = [
      ("scans_to_average", .int(Int64(scansToAverage))),
      ("boxcar_half_width", .int(Int64(boxcarHalfWidth))),
      ("auto_exposure", .bool(autoExposure != nil)),
      ("dark_max_age_s", .number(darkRules.maximumAgeSeconds)),
      ("dark_temperature_tolerance_c", .number(darkRules.temperatureToleranceC)),
      ("nonlinearity_correction", .bool(correctNonlinearity)),
    ]
    if let autoExposure {
      members += [
        (
          "target_counts",
          .array([
            .number(autoExposure.targetCounts.lowerBound),
            .number(autoExposure.targetCounts.upperBound),
          ])
        ),
        (
          "exposure_range_s",
          .array([
            .number(autoExposure.exposureRange.lowerBound),
            .number(autoExposure.exposureRange.upperBound),
          ])
        ),
        ("auto_exposure_budget_s", .number(autoExposure.budgetSeconds)),
      ]
    }
    return .object(members)
  }
}
