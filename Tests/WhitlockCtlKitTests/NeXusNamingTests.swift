import Testing

@testable import WhitlockCtlKit

/// The pure helpers of the NeXus export: record timestamps back to epoch seconds, and ids to
/// NeXus names.
@Suite struct NeXusNamingTests {
  @Test func recordTimestampsBecomeEpochSeconds() {
    #expect(UTCTimestampParsing.seconds("1970-01-01T00:00:00.000Z") == 0)
    #expect(UTCTimestampParsing.seconds("2000-03-01T00:00:00.000Z") == 951_868_800)
    let fractional = UTCTimestampParsing.seconds("2026-12-03T08:05:29.325Z") ?? 0
    #expect(abs(fractional - 1_796_285_129.325) < 1e-6)
    #expect(UTCTimestampParsing.seconds("2024-02-29T23:59:59Z") == 1_709_251_199)
    #expect(UTCTimestampParsing.seconds("2026-12-03 08:05:29Z") == nil)
    #expect(UTCTimestampParsing.seconds("2026-13-03T08:05:29.325Z") == nil)
    #expect(UTCTimestampParsing.seconds("2026-12-03T08:05:29.325") == nil)
  }

  @Test func idsBecomeNeXusNames() {
    #expect(NeXusName.make("raman-sim") == "raman_sim")
    #expect(
      NeXusName.make("bc2330cb-a174-4536-90d8-276492be755d")
        == "bc2330cb_a174_4536_90d8_276492be755d")
    #expect(NeXusName.make("xrf.1 µ") == "xrf_1__")
    #expect(NeXusName.make("") == "_")
  }

  @Test func namesThatWouldCollideGetANumber() {
    #expect(NeXusName.unique("raman_sim", taken: []) == "raman_sim")
    #expect(NeXusName.unique("raman_sim", taken: ["raman_sim"]) == "raman_sim_2")
    #expect(NeXusName.unique("raman_sim", taken: ["raman_sim", "raman_sim_2"]) == "raman_sim_3")
    let groups = ["", "_spectra", "_results"]
    #expect(NeXusName.unique("x", suffixes: groups, taken: ["x_results"]) == "x_2")
    #expect(
      NeXusName.unique("sample", suffixes: groups, taken: ["sample", "operator"]) == "sample_2")
    #expect(NeXusName.unique("y", suffixes: groups, taken: ["x", "x_spectra"]) == "y")
  }
}
