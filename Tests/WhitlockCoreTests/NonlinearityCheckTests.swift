import Testing
import WhitlockCore

@Suite struct NonlinearityCheckTests {
  /// The OOI emulator's coefficients: a typical silicon CCD bench.
  static let typical = [0.94, 4.1e-6, -1.2e-10, 1.9e-15, 0, 0, 0, 0]

  @Test func aTypicalCorrectionPasses() {
    #expect(NonlinearityCheck.problem(coefficients: Self.typical, fullScale: 65_535) == nil)
    // Low counts are raised by about 1/0.94.
    #expect(abs(NonlinearityCheck.corrected(1000, coefficients: Self.typical) - 1059.3) < 0.5)
  }

  @Test(arguments: [
    ([Double](), 65_535 as UInt32, "no non-linearity coefficients"),
    (
      [0, 0, 0, 0, 0, 0, 0, 0], 65_535,
      "non-linearity coefficients are all zero (an unprogrammed EEPROM)"
    ),
    ([0.94, .nan, 0], 65_535, "non-linearity coefficient a1 is not a finite number"),
    ([0.94, .infinity], 65_535, "non-linearity coefficient a1 is not a finite number"),
    ([1.0], 1, "full scale 1 counts"),
    ([-0.5], 65_535, "non-linearity factor is -0.5 at 1 counts (must be positive)"),
    ([1, -2e-5], 65_535, "non-linearity factor is -0.0035"),
    ([0, 1e-5, 1e-9], 65_535, "corrected counts stop increasing at 255 counts"),
  ])
  func badCoefficientsAreNamed(coefficients: [Double], fullScale: UInt32, expected: String) {
    let problem = NonlinearityCheck.problem(coefficients: coefficients, fullScale: fullScale)
    #expect(problem?.hasPrefix(expected) == true, "\(problem ?? "accepted")")
  }

  @Test func aPolynomialThatTurnsOverIsRefused() {
    // f grows faster than c over the top of the range: c / f(c) falls.
    let problem = NonlinearityCheck.problem(coefficients: [1, 0, 1e-9], fullScale: 65_535)
    #expect(problem?.hasPrefix("corrected counts stop increasing at") == true)
  }
}
