import Foundation
import Testing
import WhitlockCore
import WhitlockCtlKit

@Suite struct SpectrumInputTests {
  func rruffText(points: Int = 600, decreasing: Bool = false) -> String {
    var lines = ["##NAMES=Hydroxylapatite", "##RRUFFID=R050512", "Shift,Intensity"]
    var rows: [String] = []
    for index in 0..<points {
      let x = 700 + Double(index) * 1.0
      // ν1 and its ν3 group (10 % of ν1; without it ν1 would be a lone band, not a phosphate).
      let band =
        30000 * 5 / Double.pi / ((x - 961) * (x - 961) + 25)
        + 3000 * 10 / Double.pi / ((x - 1046) * (x - 1046) + 100)
      rows.append("\(x), \(1000 + band)")
    }
    if decreasing { rows.reverse() }
    lines += rows
    lines.append("##END=")
    return lines.joined(separator: "\n")
  }

  @Test func readsRRUFFStyleTextAndAnalysesIt() throws {
    let spectra = try SpectrumInput.parse(rruffText(), name: "hap.txt", kind: nil, excitation: nil)
    #expect(spectra.count == 1)
    let line = OfflineAnalyzer().line(spectra[0])
    let record = try JSONParser.parse(line)
    #expect(record["detection"]?["method"]?.stringValue?.hasPrefix("raman") == true)
    #expect(record["detection"]?["calcification_type"]?.stringValue == "type-II-phosphate")
    let fraction = try #require(record["detection"]?["whitlockite_fraction"]?.doubleValue)
    #expect(fraction < 0.1)
  }

  @Test func decreasingAxisIsReversedAndWavelengthConverted() throws {
    let reversed = try SpectrumInput.parse(
      rruffText(decreasing: true), name: "r.txt", kind: .raman, excitation: nil)
    guard case .ramanShift(let shifts) = reversed[0].axis else {
      Issue.record("expected a Raman shift axis")
      return
    }
    #expect(shifts.first == 700)
    let nm = (0..<100).map { "\(800 + Double($0) * 0.5) \($0)" }.joined(separator: "\n")
    let converted = try SpectrumInput.parse(nm, name: "nm.txt", kind: .raman, excitation: 785)
    guard case .ramanShift(let fromNm) = converted[0].axis else {
      Issue.record("expected a Raman shift axis")
      return
    }
    #expect(abs(fromNm[0] - (1e7 / 785 - 1e7 / 800)) < 1e-9)
  }

  @Test func refusesNonMonotonicAndGarbage() {
    let zigzag = (0..<40).map { "\($0 == 20 ? 5 : $0 * 10) 1" }.joined(separator: "\n")
    #expect(throws: SpectrumInputError.self) {
      try SpectrumInput.parse(zigzag, name: "z.txt", kind: nil, excitation: nil)
    }
    let garbage = (0..<40).map { "\($0) 1" }.joined(separator: "\n") + "\nnot a number\n"
    do {
      _ = try SpectrumInput.parse(garbage, name: "g.txt", kind: nil, excitation: nil)
      Issue.record("garbage accepted")
    } catch {
      #expect(error.description.contains("g.txt:41"))
    }
    #expect(throws: SpectrumInputError.self) {
      try SpectrumInput.parse("1 2\n3 4\n", name: "short.txt", kind: nil, excitation: nil)
    }
  }

  @Test func reanalysesSpoolRecords() throws {
    let counts = (0..<512).map { "\(100 + $0 % 7)" }.joined(separator: ",")
    let record =
      #"{"schema":1,"type":"acquisition","seq":42,"instrument":{"kind":"xrf"},"#
      + #""acquisition":{"full_scale":16777215},"#
      + #""axis":{"type":"linear-energy","unit":"keV","kev_per_channel":0.01,"offset_kev":0},"#
      + #""counts":[\#(counts)]}"#
    let spectra = try SpectrumInput.parse(
      #"{"type":"run-start"}"# + "\n" + record, name: "seg.ndjson", kind: nil, excitation: nil)
    #expect(spectra.count == 1)
    #expect(spectra[0].seq == 42)
    #expect(spectra[0].kind == .xrf)
    let line = try JSONParser.parse(OfflineAnalyzer().line(spectra[0]))
    #expect(line["detection"]?["method"]?.stringValue?.hasPrefix("xrf") == true)
    #expect(line["detection"]?["mg_ca_ratio"] != nil)
  }
}

@Suite struct SpectrumFormatsTests {
  func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "whitlock-input-\(getpid())-\(name)"
    ).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func readsDecimalCommasWithSemicolonsAndTabs() throws {
    for separator in [";", "\t"] {
      let rows = (0..<40).map { "\(900 + $0),5\(separator)\(100 + $0),25" }
      let spectra = try SpectrumInput.parse(
        "shift\(separator)intensity\r\n" + rows.joined(separator: "\r\n"), name: "dec.csv",
        kind: nil, excitation: nil)
      guard case .ramanShift(let shifts) = spectra[0].axis else {
        Issue.record("not a Raman axis")
        return
      }
      #expect(shifts.count == 40)
      #expect(shifts[1] == 901.5)
      #expect(spectra[0].intensities[2] == 102.25)
    }
  }

  @Test func readsCRLFRRUFFFiles() throws {
    let rows = (0..<40).map { "\(900 + $0), \(100 + $0)" }
    let text = "##NAMES=Test\r\n" + rows.joined(separator: "\r\n") + "\r\n##END=\r\n"
    let spectra = try SpectrumInput.parse(text, name: "r.txt", kind: nil, excitation: nil)
    #expect(spectra[0].intensities.count == 40)
  }

  /// An Amptek `.mca` file as DPPMCA writes it, with the ISO-8859-1 degree sign (byte 0xB0).
  @Test func readsAmptekMCAInLatin1() throws {
    var text = "<<PMCA SPECTRUM>>\r\nTAG - live_data\r\nREAL_TIME - 10.0\r\n"
    text += "<<CALIBRATION>>\r\nLABEL - keV\r\n0 0.0\r\n1023 20.46\r\n<<DATA>>\r\n"
    text += (0..<1024).map { "\(10 + $0 % 5)" }.joined(separator: "\r\n")
    text += "\r\n<<END>>\r\n<<DP5 CONFIGURATION>>\r\nRESC=Y;\r\n<<DP5 CONFIGURATION END>>\r\n"
    text += "<<DPP STATUS>>\r\nBoard Temp: 31"
    var bytes = Array(text.utf8)
    bytes.append(0xB0)
    bytes += Array("C\r\n<<DPP STATUS END>>\r\n".utf8)
    let path = try temporary("a.mca", bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let spectra = try SpectrumInput.read(path, kind: nil, excitation: nil)
    #expect(spectra.count == 1)
    #expect(spectra[0].kind == .xrf)
    guard case .energy(let energies) = spectra[0].axis else {
      Issue.record("not an energy axis")
      return
    }
    #expect(energies.count == 1024)
    #expect(abs(energies[1023] - 20.46) < 1e-9)
    #expect(spectra[0].intensities[3] == 13)
  }

  @Test func namesFileAndLineOfABadMCACount() throws {
    let text = "<<PMCA SPECTRUM>>\n<<DATA>>\n1\n2\nthree\n<<END>>\n"
    #expect {
      _ = try MCAInput.parse(text, name: "bad.mca")
    } throws: { error in
      (error as? SpectrumInputError)?.description.hasPrefix("bad.mca:5: ") == true
    }
    #expect {
      _ = try SpectrumInput.parse("900,1\n901,x\n", name: "t.csv", kind: nil, excitation: nil)
    } throws: { error in
      (error as? SpectrumInputError)?.description.hasPrefix("t.csv:2: ") == true
    }
  }
}
