import Foundation
import TestSupport
import Testing

/// Keeps the one list of system packages (`scripts/apt-packages.txt`) the only one: `make deps`
/// reads it, `.ci/run` installs nothing but through `make deps`, and it names every package the
/// test suite calls into, so `make test` on a fresh machine needs nothing run before it.
@Suite struct PackageListTests {
  private static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  private static func text(_ relativePath: String) throws -> String {
    try String(contentsOfFile: packageRoot + "/" + relativePath, encoding: .utf8)
  }

  /// The package names in the list file, comments and blank lines left out.
  private static func listedPackages() throws -> [String] {
    try text("scripts/apt-packages.txt").split(separator: "\n", omittingEmptySubsequences: false)
      .map { line in
        String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
          .trimmingCharacters(in: .whitespaces)
      }
      .filter { !$0.isEmpty }
  }

  @Test func listHoldsOneValidPackageNamePerLineWithoutRepeats() throws {
    let packages = try Self.listedPackages()
    #expect(!packages.isEmpty)
    for name in packages {
      let valid =
        name.utf8.count >= 2
        && name.utf8.allSatisfy { byte in
          (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
      #expect(valid, "\"\(name)\" is not one Debian package name on its own line")
    }
    #expect(Set(packages).count == packages.count, "a package is listed twice: \(packages)")
  }

  @Test func listNamesWhatTheTestSuiteCallsInto() throws {
    let packages = Set(try Self.listedPackages())
    // umockdev-run and gi.repository.UMockdev (hotplug tests), jq (shell checks),
    // systemd-analyze (unit checks), udev, chromium and python3-venv (monitor page tests),
    // libusb/libudev/libhdf5/pkg-config (the build itself), postgresql and openssl (the shipping tests, a certificate for the TLS one).
    for needed in [
      "gir1.2-umockdev-1.0", "python3-gi", "jq", "systemd", "udev", "umockdev", "chromium",
      "python3-venv", "libusb-1.0-0-dev", "libudev-dev", "libhdf5-dev", "pkg-config",
      "postgresql", "openssl",
    ] {
      #expect(packages.contains(needed), "scripts/apt-packages.txt lacks \(needed)")
    }
  }

  @Test func makeReadsTheList() async throws {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/make"), ["-s", "packages"],
      currentDirectory: Self.packageRoot)
    #expect(result.status == 0, "\(result.standardError)")
    let printed = result.standardOutput.split(separator: "\n").map(String.init)
    #expect(printed == (try Self.listedPackages()))
  }

  @Test func ciInstallsNothingButThroughMakeDeps() throws {
    let script = try Self.text(".ci/run")
    let commands = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.hasPrefix("#") }
    #expect(commands.contains("make deps"), ".ci/run installs packages with `make deps`")
    #expect(commands.contains("make test"), ".ci/run runs the README's `make test`")
    let installers: Set<String> = [
      "apt-get", "apt", "aptitude", "dpkg", "pip", "pip3", "snap", "curl", "wget",
    ]
    for command in commands {
      let words = command.split(whereSeparator: { " ;&|()".contains($0) }).map(String.init)
      #expect(
        installers.isDisjoint(with: words),
        ".ci/run must install nothing the README's commands do not: \(command)")
    }
  }
}
