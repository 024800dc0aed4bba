import Calibration
import Testing

@Suite struct VendorSpectrumReaderTests {
  static let bwtekHeader = """
    File Version;BWSpec4.11_1
    Date;2022-07-12 09:50:54
    coefs_a0;530,774489651404
    coefs_a1;0,0863487170390262
    coefs_a2;-3,31985403863623E-06
    coefs_a3;-5,62786891050607E-10
    laser_wavelength;532,14
    Pixel;Wavelength;Wavenumber;Raman Shift;Dark;Reference;Raw data #1;Dark Subtracted #1;%TR #1;
    """

  static func rows(_ count: Int) -> String {
    (0..<count).map { "\($0);   ;   ;   ;980,0000;65535,0000;1012,0000;\($0 * 2),5000;0,0000;" }
      .joined(separator: "\n")
  }

  @Test func readsABWTekExportFromItsCoefficients() throws {
    let spectrum = try VendorSpectrumReader.parse(
      Self.bwtekHeader + "\n" + Self.rows(20), source: "/x/ne.txt", name: "ne.txt")
    #expect(spectrum.statedExcitationNanometres == 532.14)
    #expect(spectrum.shifts.count == 20)
    // Pixel 0: 530.774489651404 nm with the laser at 532.14 nm.
    #expect(abs(spectrum.shifts[0] - (1e7 / 532.14 - 1e7 / 530.774489651404)) < 1e-9)
    #expect(spectrum.intensities[3] == 6.5)
    #expect(spectrum.source == "ne.txt")
  }

  @Test func aBWTekExportWithoutCoefficientsNamesTheKey() {
    let text = Self.bwtekHeader.replacingOccurrences(of: "coefs_a2;", with: "coefs_x2;")
    #expect(
      throws: SpectrumFileError(
        file: "ne.txt", line: 0,
        message: "B&W Tek header has no coefs_a2 (pixel→wavelength coefficient)")
    ) {
      try VendorSpectrumReader.parse(text + "\n" + Self.rows(20), source: "ne.txt", name: "ne.txt")
    }
  }

  @Test func aBadBWTekLaserLineIsNamed() {
    let text = Self.bwtekHeader.replacingOccurrences(of: "532,14", with: "green")
    #expect(
      throws: SpectrumFileError(
        file: "ne.txt", line: 7, message: "laser_wavelength \"green\" is not a wavelength in nm")
    ) {
      try VendorSpectrumReader.parse(text + "\n" + Self.rows(20), source: "ne.txt", name: "ne.txt")
    }
  }

  @Test func aTruncatedBWTekRowIsNamedByLine() {
    let text = Self.bwtekHeader + "\n" + Self.rows(20) + "\n20;   ;"
    #expect(
      throws: SpectrumFileError(
        file: "ne.txt", line: 29,
        message: "expected a pixel number and a Dark Subtracted #1 value")
    ) { try VendorSpectrumReader.parse(text, source: "ne.txt", name: "ne.txt") }
  }

  @Test func readsTwoColumnShiftFiles() throws {
    let text = (0..<30).map { "\(100 + Double($0) * 4.1)\t\(1000 + $0)" }.joined(separator: "\n")
    let spectrum = try VendorSpectrumReader.parse(text, source: "si.txt", name: "si.txt")
    #expect(spectrum.statedExcitationNanometres == nil)
    #expect(spectrum.shifts.first == 100)
    #expect(spectrum.intensities.last == 1029)
  }

  @Test func aTwoColumnFileWithGarbageNamesTheLine() {
    let text =
      (0..<30).map { "\(100 + Double($0) * 4.1)\t\(1000 + $0)" }.joined(separator: "\n")
      + "\nabc\tdef"
    #expect(
      throws: SpectrumFileError(
        file: "si.txt", line: 31,
        message: "expected two numbers (Raman shift in cm-1, intensity), got \"abc\tdef\"")
    ) { try VendorSpectrumReader.parse(text, source: "si.txt", name: "si.txt") }
  }

  @Test func aShortFileIsRefused() {
    #expect(throws: SpectrumFileError.self) {
      try VendorSpectrumReader.parse("1\t2\n3\t4\n", source: "s.txt", name: "s.txt")
    }
  }
}
