import Detection
import Foundation
import Testing
import WhitlockCore
import WhitlockCtlKit

/// The detector on the measured RRUFF development set (`../shared/data/raman-reference`, beside
/// the repository), read the way `whitlockctl analyze FILE` reads it. Skipped with a message when
/// the folder is absent.
@Suite struct ReferenceSpectraTests {
  static let directory: URL = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return repository.deletingLastPathComponent().appendingPathComponent(
      "shared/data/raman-reference")
  }()

  static var available: Bool {
    FileManager.default.fileExists(atPath: directory.appendingPathComponent("README.md").path)
  }

  /// The `detection` object `whitlockctl analyze` prints for the files whose name starts so.
  func detections(_ prefix: String) throws -> [(String, JSONValue)] {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".txt") }.sorted()
    #expect(!names.isEmpty, "no \(prefix) file in \(Self.directory.path)")
    let analyzer = OfflineAnalyzer()
    return try names.map { name in
      let url = Self.directory.appendingPathComponent(name)
      let spectra = try SpectrumInput.read(url.path, kind: nil, excitation: nil)
      let record = try JSONParser.parse(analyzer.line(try #require(spectra.first)))
      return (name, try #require(record["detection"]))
    }
  }

  /// The Raman-shift axis and intensities of a development-set file.
  static func ramanSpectrum(_ name: String) throws -> (shifts: [Double], intensities: [Double]) {
    let path = directory.appendingPathComponent(name).path
    let spectrum = try #require(try SpectrumInput.read(path, kind: nil, excitation: nil).first)
    guard case .ramanShift(let shifts) = spectrum.axis else {
      throw NotARamanShiftAxis(file: name)
    }
    return (shifts, spectrum.intensities)
  }

  struct NotARamanShiftAxis: Error { var file: String }

  @Test(.enabled(if: available, "../shared/data/raman-reference is absent"))
  func whitlockiteIsQuantified() throws {
    for (name, detection) in try detections("whitlockite_") {
      let fraction = try #require(detection["whitlockite_fraction"]?.doubleValue, "\(name)")
      #expect(fraction >= 0.85, "\(name): \(fraction)")
      #expect(detection["phase"]?.stringValue == "whitlockite", "\(name)")
      #expect(detection["axis_offset_cm1"]?.doubleValue != nil, "\(name)")
    }
  }

  @Test(
    .enabled(if: available, "../shared/data/raman-reference is absent"),
    arguments: ["hydroxylapatite_", "fluorapatite_"])
  func apatiteIsNotWhitlockite(prefix: String) throws {
    for (name, detection) in try detections(prefix) {
      let fraction = try #require(detection["whitlockite_fraction"]?.doubleValue, "\(name)")
      #expect(fraction <= 0.1, "\(name): \(fraction)")
      #expect(detection["phase"]?.stringValue == "apatite", "\(name)")
    }
  }

  @Test(
    .enabled(if: available, "../shared/data/raman-reference is absent"),
    arguments: [
      ("whewellite_", "oxalate"), ("weddellite_", "oxalate"), ("brushite_", "brushite"),
      ("merrillite_", "whitlockite-group"),
    ])
  func lookAlikesAreNamed(prefix: String, group: String) throws {
    for (name, detection) in try detections(prefix) {
      #expect(detection["phase_group"]?.stringValue == group, "\(name)")
      if group != "whitlockite-group" {
        #expect(detection["whitlockite_fraction"]?.doubleValue == nil, "\(name)")
      }
    }
  }

  @Test(.enabled(if: available, "../shared/data/raman-reference is absent"))
  func hydratesAreNamedWhereTheBandsTellThem() throws {
    // The 514 nm whewellite reaches the 1463/1490 doublet; the weddellite C–C at 909.5 lies
    // beyond whewellite's C–C range even with an 8 cm⁻¹ offset.
    let com = try detections("whewellite_RRUFF-R050240_514nm")
    #expect(com.first?.1["phase"]?.stringValue == "oxalate-com")
    let cod = try detections("weddellite_")
    #expect(cod.first?.1["phase"]?.stringValue == "oxalate-cod")
  }

  /// An axis off by up to ±8 cm⁻¹ (RRUFF runs of one sample differ by 6–7) does not change the
  /// group a file is named for, and whitlockite stays quantified.
  @Test(
    .enabled(if: available, "../shared/data/raman-reference is absent"),
    arguments: [
      ("whitlockite_", "whitlockite-group"), ("merrillite_", "whitlockite-group"),
      ("whewellite_", "oxalate"), ("weddellite_", "oxalate"), ("brushite_", "brushite"),
    ])
  func anAxisOffsetDoesNotChangeTheGroup(prefix: String, group: String) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".txt") }
    #expect(!names.isEmpty)
    let pipeline = RamanPipeline()
    for name in names {
      let spectrum = try Self.ramanSpectrum(name)
      let shifts = spectrum.shifts
      for offset in [-8.0, -4, 4, 8] {
        let result = pipeline.analyze(
          shifts: shifts.map { $0 + offset }, intensities: spectrum.intensities)
        #expect(result.phase.group == group, "\(name) shifted \(offset): \(result.phase)")
        if prefix == "whitlockite_" {
          #expect((result.whitlockiteFraction ?? 0) >= 0.85, "\(name) shifted \(offset)")
        }
      }
    }
  }

  /// The development set's rules hold at every file's own spacing too (no binning, the baseline
  /// solved at every point), so the default binning is a speed choice, not what the calls rest on.
  @Test(.enabled(if: available, "../shared/data/raman-reference is absent"))
  func theCallsHoldAtTheMeasuredSpacing() throws {
    var settings = RamanPipelineSettings()
    settings.analysisSpacing = nil
    settings.baseline.solveSpacing = nil
    let pipeline = RamanPipeline(settings: settings)
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".txt") }
    for name in names {
      let spectrum = try Self.ramanSpectrum(name)
      let result = pipeline.analyze(shifts: spectrum.shifts, intensities: spectrum.intensities)
      #expect(result.analysisPoints == result.processedPixels, "\(name)")
      if name.hasPrefix("whitlockite_") {
        #expect((result.whitlockiteFraction ?? 0) >= 0.85, "\(name): \(result.phase)")
      } else if name.contains("apatite_") {
        #expect(result.phase.group == "apatite", "\(name): \(result.phase)")
        #expect((result.whitlockiteFraction ?? 1) <= 0.1, "\(name)")
      } else if name.hasPrefix("merrillite_") {
        #expect(result.phase.group == "whitlockite-group", "\(name): \(result.phase)")
      } else {
        #expect(result.whitlockiteFraction == nil, "\(name): \(result.phase)")
      }
    }
  }

  /// Apatite shifted by up to ±8 cm⁻¹ is never named whitlockite-group, and where its apatite ν3
  /// band stays significant its fraction stays at most 0.1 (the position of ν1, which the shift
  /// moves to where whitlockite's would be, does not enter beside a significant band).
  @Test(.enabled(if: available, "../shared/data/raman-reference is absent"))
  func shiftedApatiteIsNeverWhitlockite() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.contains("apatite_") && $0.hasSuffix(".txt") }
    #expect(!names.isEmpty)
    let pipeline = RamanPipeline()
    for name in names {
      let spectrum = try Self.ramanSpectrum(name)
      let shifts = spectrum.shifts
      for offset in [-8.0, -4, 4, 8] {
        let result = pipeline.analyze(
          shifts: shifts.map { $0 + offset }, intensities: spectrum.intensities)
        #expect(result.phase.group != "whitlockite-group", "\(name) shifted \(offset)")
        if result.phases.apatite.present, result.phases.apatite.significance >= 5 {
          #expect(
            (result.whitlockiteFraction ?? 0) <= 0.1,
            "\(name) shifted \(offset): \(result.whitlockiteFraction ?? .nan)")
        }
      }
    }
  }

  /// Each file read at half its sampling (adjacent pairs of points summed, as an instrument with
  /// half the pixels over the same range records them), on the measured axis and shifted by
  /// ±4 cm⁻¹: every group holds, whitlockite stays quantified, apatite stays apatite at ≤ 0.1
  /// on the measured axis and is never named whitlockite-group on a shifted one.
  @Test(.enabled(if: available, "../shared/data/raman-reference is absent"))
  func halfTheSamplingKeepsTheCalls() throws {
    let groups = [
      "whitlockite_": "whitlockite-group", "merrillite_": "whitlockite-group",
      "whewellite_": "oxalate", "weddellite_": "oxalate", "brushite_": "brushite",
      "hydroxylapatite_": "apatite", "fluorapatite_": "apatite",
    ]
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".txt") }.sorted()
    let pipeline = RamanPipeline()
    var checked = 0
    for name in names {
      guard let (prefix, group) = groups.first(where: { name.hasPrefix($0.key) }) else { continue }
      let spectrum = try Self.ramanSpectrum(name)
      let shifts = spectrum.shifts
      let counts = spectrum.intensities
      var binnedShifts: [Double] = []
      var binnedCounts: [Double] = []
      for first in stride(from: 0, to: shifts.count - 1, by: 2) {
        let second = first + 1
        binnedShifts.append((shifts[first] + shifts[second]) / 2)
        binnedCounts.append(counts[first] + counts[second])
      }
      for offset in [0.0, -4, 4] {
        let result = pipeline.analyze(
          shifts: binnedShifts.map { $0 + offset }, intensities: binnedCounts)
        let label = "\(name) at half sampling, shifted \(offset): \(result.phase)"
        switch prefix {
        case "hydroxylapatite_", "fluorapatite_":
          if offset == 0 {
            #expect(result.phase.group == group, "\(label)")
            #expect((result.whitlockiteFraction ?? 1) <= 0.1, "\(label)")
          } else {
            #expect(result.phase.group != "whitlockite-group", "\(label)")
          }
        case "whitlockite_":
          #expect(result.phase.group == group, "\(label)")
          #expect((result.whitlockiteFraction ?? 0) >= 0.85, "\(label)")
        default:
          #expect(result.phase.group == group, "\(label)")
          if group != "whitlockite-group" {
            #expect(result.whitlockiteFraction == nil, "\(label)")
          }
        }
        checked += 1
      }
    }
    #expect(checked == 3 * 13)
  }
}
