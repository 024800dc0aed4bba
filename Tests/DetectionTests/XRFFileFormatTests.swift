import Foundation
import Testing
import WhitlockCore
import WhitlockCtlKit

/// EMSA/MAS (`.msa`) and Bruker (`.spx`) readers on small hand-written files: the axis, the
/// counts, and an error naming the line at fault for each kind of damage.
@Suite struct XRFFileFormatTests {
  /// 20 channels of 10 eV from −20 eV, in the layout ISO 22029 prescribes (Y data, 4 columns).
  static let msa = """
    #FORMAT      : EMSA/MAS Spectral Data File
    #VERSION     : 1.0
    #TITLE       : hand-written
    #NPOINTS     : 20
    #NCOLUMNS    : 4
    #XUNITS      : eV
    #YUNITS      : counts
    #DATATYPE    : Y
    #XPERCHAN    : 10.0
    #OFFSET      : -20.0
    #SIGNALTYPE  : XRF
    #SPECTRUM    :
    0, 1, 2, 3
    4, 5, 6, 7
    8, 9, 10, 11
    12, 13, 14, 15
    16, 17, 18, 19
    #ENDOFDATA   :
    """

  func error(_ text: String, _ name: String = "t.msa") -> String {
    do {
      _ = try SpectrumInput.parse(text, name: name, kind: nil, excitation: nil)
    } catch {
      return error.description
    }
    return "no error"
  }

  @Test func readsEMSAYData() throws {
    #expect(MSAInput.recognises(Self.msa))
    let spectrum = try MSAInput.parse(Self.msa, name: "t.msa")
    #expect(spectrum.kind == .xrf)
    #expect(spectrum.intensities == (0..<20).map(Double.init))
    guard case .energy(let energies) = spectrum.axis else {
      Issue.record("expected an energy axis")
      return
    }
    #expect(abs(energies[0] - -0.02) < 1e-12)
    #expect(abs(energies[19] - 0.17) < 1e-12)
  }

  @Test func readsEMSAXYDataInKeVAndKeywordUnits() throws {
    let xy = (0..<16).map { "\(0.5 + 0.01 * Double($0)), \($0 * 2)" }.joined(separator: "\n")
    let text =
      "#FORMAT : EMSA/MAS\n#XUNITS : keV\n#DATATYPE : XY\n#SPECTRUM :\n\(xy)\n#ENDOFDATA :\n"
    let spectrum = try MSAInput.parse(text, name: "xy.msa")
    guard case .energy(let energies) = spectrum.axis else {
      Issue.record("expected an energy axis")
      return
    }
    #expect(abs(energies[1] - 0.51) < 1e-12)
    #expect(spectrum.intensities[15] == 30)
    let suffixed = Self.msa.replacingOccurrences(
      of: "#XPERCHAN    : 10.0", with: "#XPERCHAN-keV: 0.01"
    )
    .replacingOccurrences(of: "#OFFSET      : -20.0", with: "#OFFSET-keV  : -0.02")
    let same = try MSAInput.parse(suffixed, name: "s.msa")
    guard case .energy(let other) = same.axis else { return }
    #expect(abs(other[19] - 0.17) < 1e-12)
  }

  @Test func namesTheEMSALineAtFault() {
    #expect(
      error(Self.msa.replacingOccurrences(of: "8, 9, 10, 11", with: "8, 9, x10, 11"))
        == "t.msa:15: expected a number in the data, got \"x10\"")
    #expect(
      error(Self.msa.replacingOccurrences(of: "#NPOINTS     : 20", with: "#NPOINTS     : 21"))
        == "t.msa:4: #NPOINTS says 21, the data hold 20")
    #expect(
      error(Self.msa.replacingOccurrences(of: "#ENDOFDATA   :", with: ""))
        == "t.msa:17: the data are not closed by #ENDOFDATA")
    #expect(
      error(Self.msa.replacingOccurrences(of: "#XPERCHAN    : 10.0", with: "#XPERCHAN    : ten"))
        == "t.msa:9: #XPERCHAN is not a number (\"ten\")")
    #expect(
      error(Self.msa.replacingOccurrences(of: "#XUNITS      : eV", with: "#XUNITS      : nm"))
        == "t.msa:6: x unit \"nm\" is not eV or keV")
    #expect(
      error(Self.msa.replacingOccurrences(of: "#SIGNALTYPE  : XRF", with: "#SIGNALTYPE  : ELS"))
        == "t.msa:11: #SIGNALTYPE ELS is an energy-loss spectrum, not X-ray")
    #expect(
      error(Self.msa.replacingOccurrences(of: "12, 13, 14, 15", with: "#GAIN : 2"))
        == "t.msa:16: header line \"#GAIN\" inside the data")
  }

  /// A Bruker spectrum cut to what the reader needs, in Esprit's layout.
  static let spx = """
    <?xml version="1.0" encoding="WINDOWS-1252" standalone="yes"?>
    <TRTSpectrum>
    <RTHeader/>
    <ClassInstance Type="TRTSpectrum" Name="hand-written">
    <TRTHeaderedClass>
    <ClassInstance Type="TRTSpectrumHeader" Name="hand-written">
    <Date>7.12.2026</Date>
    <ChannelCount>16</ChannelCount>
    <CalibAbs>-0.0095</CalibAbs>
    <CalibLin>0.01</CalibLin>
    </ClassInstance>
    </TRTHeaderedClass>
    <Channels>0,0,3,5,8,13,21,34,55,89,144,233,377,610,987,1597</Channels>
    </ClassInstance>
    </TRTSpectrum>
    """

  @Test func readsBrukerSPX() throws {
    #expect(SPXInput.recognises(Self.spx))
    let spectra = try SpectrumInput.parse(Self.spx, name: "t.spx", kind: nil, excitation: nil)
    #expect(spectra.count == 1)
    let spectrum = try SPXInput.parse(Self.spx, name: "t.spx")
    #expect(spectrum.intensities.last == 1597)
    #expect(spectrum.intensities.count == 16)
    guard case .energy(let energies) = spectrum.axis else {
      Issue.record("expected an energy axis")
      return
    }
    #expect(abs(energies[0] - -0.0095) < 1e-12)
    #expect(abs(energies[15] - 0.1405) < 1e-12)
  }

  @Test func namesTheSPXLineAtFault() {
    #expect(
      error(Self.spx.replacingOccurrences(of: "144,233", with: "144,2x3"), "t.spx")
        == "t.spx:13: <Channels> value 12 is not a count (\"2x3\")")
    #expect(
      error(
        Self.spx.replacingOccurrences(of: "<ChannelCount>16", with: "<ChannelCount>17"), "t.spx")
        == "t.spx:8: <ChannelCount> says 17, <Channels> holds 16")
    #expect(
      error(Self.spx.replacingOccurrences(of: "<CalibLin>0.01", with: "<CalibLin>0"), "t.spx")
        == "t.spx:10: <CalibLin> must be positive keV per channel")
    #expect(
      error(Self.spx.replacingOccurrences(of: "<CalibAbs>-0.0095", with: "<CalibAbs>abc"), "t.spx")
        == "t.spx:9: <CalibAbs> is not a number (\"abc\")")
    #expect(
      error(Self.spx.replacingOccurrences(of: "1597</Channels>", with: "1597"), "t.spx")
        == "t.spx:13: <Channels> is not closed")
  }
}
