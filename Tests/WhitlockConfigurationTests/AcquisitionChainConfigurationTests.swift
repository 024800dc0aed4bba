import InstrumentFamilies
import Testing
import WhitlockConfiguration
import WhitlockCore

/// `[instrument.acquisition]`: defaults, every key, and errors naming file, line and key.
@Suite struct AcquisitionChainConfigurationTests {
  private func instrument(_ table: String) -> String {
    "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\nexposure_s = 0.5\n"
      + (table.isEmpty ? "" : "[instrument.acquisition]\n" + table)
  }

  private func chain(_ table: String) throws -> AcquisitionChainSettings? {
    try ConfigurationLoader.parse(instrument(table), source: "chain.toml").instruments.first?
      .acquisitionChain
  }

  @Test func withoutATableThereIsNoChainAndAnEmptyTableGivesTheDefaults() throws {
    #expect(try chain("") == nil)
    let record = try ConfigurationLoader.parse(instrument(""), source: "chain.toml")
      .instruments[0].record
    #expect(record["acquisition"] == nil)
    let empty =
      "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"
      + "exposure_s = 0.5\n[instrument.acquisition]\n"
    let parsed = try ConfigurationLoader.parse(empty, source: "chain.toml").instruments[0]
    let settings = try #require(parsed.acquisitionChain)
    #expect(settings == AcquisitionChainSettings(exposureSeconds: 0.5))
    #expect(settings.autoExposure == nil && settings.scansToAverage == 1)
    #expect(settings.darkRules.maximumAgeSeconds == 3600)
    #expect(parsed.record["acquisition"]?["auto_exposure"] == .bool(false))
  }

  @Test func everyKeyIsRead() throws {
    let text = """
      scans_to_average = 4
      boxcar_half_width = 2
      auto_exposure = true
      target_counts = [30000, 45000]
      exposure_range_s = [0.02, 5]
      auto_exposure_budget_s = 12
      dark_max_age_s = 600
      dark_temperature_tolerance_c = 1.5
      nonlinearity_correction = false

      """
    let settings = try #require(try chain(text))
    #expect(settings.scansToAverage == 4 && settings.boxcarHalfWidth == 2)
    #expect(settings.autoExposure?.targetCounts == 30000...45000)
    #expect(settings.autoExposure?.exposureRange == 0.02...5)
    #expect(settings.autoExposure?.budgetSeconds == 12)
    #expect(settings.darkRules == DarkRules(maximumAgeSeconds: 600, temperatureToleranceC: 1.5))
    #expect(!settings.correctNonlinearity)
    let record = try ConfigurationLoader.parse(instrument(text), source: "chain.toml")
      .instruments[0].record
    #expect(record["acquisition"]?["auto_exposure"] == .bool(true))
    #expect(record["acquisition"]?["dark_max_age_s"] == .double(600))
  }

  @Test func badValuesNameFileLineAndKey() {
    for (table, key, line) in [
      ("target_counts = [50000, 40000]\n", "acquisition.target_counts", 7),
      ("exposure_range_s = [0, 2]\n", "acquisition.exposure_range_s", 7),
      ("scans_to_average = 0\n", "acquisition.scans_to_average", 7),
      ("dark_max_age_s = -1\n", "acquisition.dark_max_age_s", 7),
      ("auto_exposur = true\n", "acquisition.auto_exposur", 7),
    ] {
      do {
        _ = try ConfigurationLoader.parse(instrument(table), source: "chain.toml")
        Issue.record("\(table) was accepted")
      } catch {
        #expect(
          error.file == "chain.toml" && error.key.hasSuffix(key) && error.line == line, "\(error)")
      }
    }
  }
}
