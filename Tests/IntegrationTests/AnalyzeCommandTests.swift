import Foundation
import TestSupport
import Testing
import WhitlockCore

/// `whitlockctl analyze` as a user runs it: a text spectrum through the real binary, with the
/// default parameters and with those of a whitlockd configuration file (`--config`).
@Suite(.processHeavy) struct AnalyzeCommandTests {
  /// A Raman spectrum with a HAP band at 961 cm⁻¹ and its ν3 band at 1046 (10 % of ν1, without
  /// which ν1 would be a lone band, not a phosphate) on a sloping background, 1 cm⁻¹ per point,
  /// with deterministic pseudo-noise.
  static func spectrumText() -> String {
    var lines = ["##NAMES=synthetic HAP", "##UNITS=cm-1"]
    var state: UInt64 = 12345
    for shift in stride(from: 600.0, through: 1800.0, by: 1.0) {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let noise = (Double(state >> 11) / Double(1 << 53) - 0.5) * 20
      let band =
        40_000 * (5.0 / .pi) / ((shift - 961) * (shift - 961) + 25)
        + 4_000 * (10.0 / .pi) / ((shift - 1046) * (shift - 1046) + 100)
      lines.append("\(shift) \(2000 + 0.5 * (shift - 600) + band + noise)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A fresh directory holding the synthetic spectrum as `hap.txt`.
  static func scratchDirectory() throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("analyze-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try spectrumText().write(toFile: directory + "/hap.txt", atomically: true, encoding: .utf8)
    return directory
  }

  static func configuration(_ detection: String) -> String {
    """
    [spool]
    path = "./spool"
    [[instrument]]
    id = "raman-sim"
    kind = "raman"
    driver = "simulated"
    \(detection)
    """
  }

  @Test func usesTheDetectionParametersOfAConfigurationFile() async throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spectrum = directory + "/hap.txt"
    let configuration = directory + "/whitlockd.toml"
    try Self.configuration("[detection.raman]\ndespike_threshold = 40\n")
      .write(toFile: configuration, atomically: true, encoding: .utf8)
    let tool = URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl"))

    let plain = try await Subprocess.run(tool, ["analyze", "--kind", "raman", spectrum])
    #expect(plain.status == 0, "\(plain.standardError)")
    let defaults = try JSONParser.parse(plain.standardOutput.trimmingCharacters(in: .newlines))
    #expect(defaults["detection"]?["parameters"]?["despike"]?["threshold"]?.doubleValue == 25)
    #expect(defaults["detection"]?["phosphate_detected"] == .bool(true))

    let configured = try await Subprocess.run(
      tool, ["analyze", "--kind", "raman", "--config", configuration, spectrum])
    #expect(configured.status == 0, "\(configured.standardError)")
    let line = try JSONParser.parse(configured.standardOutput.trimmingCharacters(in: .newlines))
    #expect(line["detection"]?["parameters"]?["despike"]?["threshold"]?.doubleValue == 40)
    #expect(line["detection"]?["phosphate_detected"] == .bool(true))
  }

  @Test func refusesAnInvalidConfigurationWithFileLineAndKey() async throws {
    let directory = try Self.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spectrum = directory + "/hap.txt"
    let configuration = directory + "/bad.toml"
    try Self.configuration("[detection.raman]\ndespike_treshold = 40\n")
      .write(toFile: configuration, atomically: true, encoding: .utf8)
    let result = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      ["analyze", "--config", configuration, spectrum])
    #expect(result.status == 78)
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError.contains("bad.toml:8"), "\(result.standardError)")
    #expect(result.standardError.contains("despike_threshold"), "\(result.standardError)")
  }
}
