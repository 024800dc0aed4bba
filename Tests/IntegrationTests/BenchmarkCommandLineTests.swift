import Foundation
import TestSupport
import Testing

/// Every benchmark and tool under Benchmarks/ parses its arguments with swift-argument-parser:
/// `--help` answers at once (it used to start a two-minute run in `whitlock-nexus-bench`), and a
/// bad value or an unknown option is a usage error naming the option, exit 64, where a bad
/// number used to be replaced by the default without a word.
@Suite struct BenchmarkCommandLineTests {
  /// A built benchmark and a value it must refuse.
  struct Tool: Sendable, CustomTestStringConvertible {
    var name: String
    var badValue: [String]
    var testDescription: String { name }
  }

  static let tools = [
    Tool(name: "whitlock-bench", badValue: ["speed", "--spectra", "abc"]),
    Tool(name: "whitlock-e2e-bench", badValue: ["--seconds", "0"]),
    Tool(name: "whitlock-faults", badValue: ["--cycles", "abc"]),
    Tool(name: "whitlock-soak", badValue: ["--minutes", "abc"]),
    Tool(name: "whitlock-nexus-bench", badValue: ["--spectra", "10,x", "--python", "/bin/sh"]),
    Tool(name: "whitlock-ship-bench", badValue: ["--records", "-5"]),
    Tool(name: "MonitorBenchmark", badValue: ["--clients", "abc"]),
  ]

  /// Runs a built benchmark; well within the deadline unless it started measuring.
  static func run(_ tool: Tool, _ arguments: [String]) async throws -> SubprocessResult {
    try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable(tool.name)), arguments, deadline: 60)
  }

  @Test(arguments: tools)
  func helpSaysWhatTheToolMeasuresAndExitsZero(_ tool: Tool) async throws {
    let result = try await Self.run(tool, ["--help"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.hasPrefix("OVERVIEW: "), "\(result.standardOutput)")
    #expect(result.standardOutput.contains("USAGE: \(tool.name)"), "\(result.standardOutput)")
    #expect(result.standardOutput.contains("--help"))
  }

  @Test(arguments: tools)
  func aBadValueIsAUsageErrorNamingTheOption(_ tool: Tool) async throws {
    let result = try await Self.run(tool, tool.badValue)
    let option = tool.badValue.first { $0.hasPrefix("--") } ?? ""
    #expect(result.status == 64, "\(result.standardOutput)\(result.standardError)")
    #expect(result.standardError.hasPrefix("Error: "), "\(result.standardError)")
    #expect(result.standardError.contains(option), "\(result.standardError)")
    #expect(result.standardError.contains("Usage: \(tool.name)"), "\(result.standardError)")
  }

  @Test(arguments: tools)
  func anUnknownOptionIsAUsageError(_ tool: Tool) async throws {
    let result = try await Self.run(tool, ["--no-such-option"])
    #expect(result.status == 64, "\(result.standardOutput)\(result.standardError)")
    #expect(
      result.standardError.contains("Unknown option '--no-such-option'"), "\(result.standardError)")
  }
}
