import Testing
import WhitlockConfiguration

/// The `[detection.xrf]` keys of the line library and of a calibration file as
/// `whitlockctl calibrate xrf` writes it.
@Suite struct XRFConfigurationTests {
  private func error(_ text: String) -> String? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "xrf.toml")
      return nil
    } catch { return error.description }
  }

  /// A file with only the table `calibrate xrf` writes is a whole configuration.
  @Test func aCalibrationFileLoadsOnItsOwn() throws {
    let text = """
      # XRF relative sensitivity factors written by `whitlockctl calibrate xrf`.
      [detection.xrf]
      calibration = "BIR-1G (bir.msa, 2026-12-07)"
      anode = "Rh"
      elements = ["Na", "Mg", "Al", "Si", "Ca", "Fe"]
      fit_min_kev = 0.85
      fit_max_kev = 16
      model_error = 0.02
      relative_sensitivity_mg_ca = 0.0412  # ± 0.001
      relative_sensitivity_na_ca = 0.0123  # ± 0.0005
      relative_sensitivity_fe_ca = 1.9
      """
    let xrf = try ConfigurationLoader.parse(text, source: "bir.toml").detection.xrf
    #expect(xrf.calibrationName == "BIR-1G (bir.msa, 2026-12-07)")
    #expect(xrf.anode == "Rh")
    #expect(xrf.elements == ["Na", "Mg", "Al", "Si", "Ca", "Fe"])
    #expect(xrf.fitRange == 0.85...16)
    #expect(xrf.relativeSensitivityFactor == 0.0412)
    #expect(xrf.sensitivities == ["Mg": 0.0412, "Na": 0.0123, "Fe": 1.9])
  }

  @Test func badKeysAreNamed() {
    #expect(
      error("[detection.xrf]\nelements = [\"Xx\"]\n")
        == "xrf.toml:2: detection.xrf.elements: \"Xx\" is not an element of the line library (Z 11–38)"
    )
    #expect(
      error("[detection.xrf]\nanode = \"Cu\"\n")
        == "xrf.toml:2: detection.xrf.anode: \"Cu\" is not one of Mo, Rh, Pd, Ag, W")
    #expect(
      error("[detection.xrf]\nrelative_sensitivity_ca_ca = 1\n")?.contains(
        "relative_sensitivity_ca_ca") == true)
    #expect(
      error("[detection.xrf]\nfit_min_kev = 5\nfit_max_kev = 5.5\n")
        == "xrf.toml:3: detection.xrf.fit_max_kev: must be at least 1 keV above fit_min_kev")
  }
}
