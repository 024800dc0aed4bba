import Testing
import WhitlockCore

/// The check drivers run on a device's stored wavelength polynomial at open.
@Suite struct WavelengthPolynomialCheckTests {
  @Test func aRealAxisPasses() {
    // A 785 nm Raman spectrometer: 790…930 nm over 1024 pixels.
    #expect(
      WavelengthPolynomialCheck.problem(coefficients: [790, 0.15, -1e-5], pixels: 1024) == nil)
  }

  @Test(arguments: [
    ([Double.nan, 0.1], 1024, "c0 is not a finite number"),
    ([790, .infinity], 1024, "c1 is not a finite number"),
    ([0, 0, 0, 0], 1024, "runs 0.0…0.0 nm"),
    ([930, -0.15], 1024, "not increasing"),
    ([790, 5], 2048, "not increasing within 150.0…2600.0 nm"),
    ([790, 0.1], 0, "0 pixels"),
  ])
  func implausibleAxesAreNamed(coefficients: [Double], pixels: Int, expected: String) {
    let problem = WavelengthPolynomialCheck.problem(coefficients: coefficients, pixels: pixels)
    #expect(problem?.contains(expected) == true, "\(String(describing: problem))")
  }
}
