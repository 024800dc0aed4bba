import Foundation
import TestSupport
import Testing

/// `make install` into a scratch root, then systemd's own tools judge the unit: `verify` clean and
/// `security --offline` exposure at most 2.0; `make uninstall` removes all but config and data.
@Suite struct SystemdFilesTests {
  private static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  private func run(_ executable: String, _ arguments: [String]) async throws -> (Int32?, String) {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: executable), arguments, currentDirectory: Self.packageRoot)
    return (result.status, result.standardOutput + result.standardError)
  }

  /// Bounds that keep hostile local clients from starving the daemon: a descriptor limit the
  /// monitor's connection cap stays under, and a memory ceiling.
  @Test func unitBoundsDescriptorsAndMemory() throws {
    let unit = try String(
      contentsOfFile: Self.packageRoot + "/systemd/whitlockd.service", encoding: .utf8)
    let settings = unit.split(separator: "\n").filter { !$0.hasPrefix("#") }
    let limit = try #require(settings.first { $0.hasPrefix("LimitNOFILE=") })
    let descriptors = try #require(Int(limit.dropFirst("LimitNOFILE=".count)))
    #expect(descriptors >= 2048 + 256, "room for the default connection cap and the spool")
    #expect(settings.contains { $0.hasPrefix("MemoryMax=") })
  }

  @Test func installedUnitVerifiesAndScoresAtMostTwo() async throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-root-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let products = ProductsDirectory.url.path
    let (installed, installLog) = try await run(
      "/usr/bin/make",
      ["install", "DESTDIR=\(root)", "CONFIGURATION=debug", "BUILDDIR=\(products)"])
    #expect(installed == 0, "\(installLog)")
    for file in [
      "usr/local/bin/whitlockd", "usr/local/bin/whitlockctl",
      "usr/local/lib/systemd/system/whitlockd.service", "etc/udev/rules.d/60-whitlockd.rules",
      "usr/local/lib/sysusers.d/whitlockd.conf", "usr/local/lib/tmpfiles.d/whitlockd.conf",
      "etc/whitlockd/whitlockd.toml",
    ] {
      #expect(FileManager.default.fileExists(atPath: root + "/" + file), "\(file) installed")
    }

    // systemd-analyze resolves dependencies such as sysinit.target from the root it is given.
    try FileManager.default.createDirectory(
      atPath: root + "/usr/lib/systemd", withIntermediateDirectories: true)
    let (copied, copyLog) = try await run(
      "/bin/cp", ["-r", "/usr/lib/systemd/system", root + "/usr/lib/systemd/"])
    #expect(copied == 0, "\(copyLog)")

    let (verified, verifyLog) = try await run(
      "/usr/bin/systemd-analyze", ["verify", "--root=\(root)", "whitlockd.service"])
    #expect(verified == 0, "\(verifyLog)")
    #expect(
      !verifyLog.contains("whitlockd.service:"), "verify is silent about the unit: \(verifyLog)")

    let unit = root + "/usr/local/lib/systemd/system/whitlockd.service"
    let (securityStatus, securityLog) = try await run(
      "/usr/bin/systemd-analyze", ["security", "--offline=yes", "--root=\(root)", unit])
    let line = try #require(
      securityLog.split(separator: "\n").first { $0.contains("Overall exposure level") },
      "systemd-analyze security exited \(securityStatus.map(String.init) ?? "late"): \(securityLog)"
    )
    let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
    let exposure = try #require(score, "\(line)")
    #expect(exposure <= 2.0, "\(line)")

    let (checked, checkLog) = try await run(
      root + "/usr/local/bin/whitlockd", ["--check-config", root + "/etc/whitlockd/whitlockd.toml"])
    #expect(checked == 0, "\(checkLog)")

    let (removed, removeLog) = try await run(
      "/usr/bin/make", ["uninstall", "DESTDIR=\(root)"])
    #expect(removed == 0, "\(removeLog)")
    #expect(!FileManager.default.fileExists(atPath: root + "/usr/local/bin/whitlockd"))
    #expect(!FileManager.default.fileExists(atPath: unit))
    #expect(FileManager.default.fileExists(atPath: root + "/etc/whitlockd/whitlockd.toml"))
  }
}
