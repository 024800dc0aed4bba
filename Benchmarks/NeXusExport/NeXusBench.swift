import ArgumentParser
import Foundation

/// whitlock-nexus-bench: makes spools and measures `whitlockctl export --format nexus` on them.
@main
struct NeXusBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-nexus-bench",
    abstract: "Export speed and peak memory of `whitlockctl export --format nexus`.",
    discussion: """
      run (the default): for each size, generates a spool of that many spectra, exports it with \
      the whitlockctl built beside this program, and prints spectra/s and the export's peak RSS. \
      run's options: --python PATH (with h5py, for the peer), --spectra N[,N…] (default \
      10000,100000), --distinct K (64), --directory D (a new scratch directory); `whitlock-nexus-bench help run` describes them. generate DIR: \
      writes one spool and prints its run ids, one per line.
      """,
    subcommands: [Run.self, Generate.self], defaultSubcommand: Run.self)

  /// Prints a failure as the tool always has, then exits 1.
  static func failing(_ body: () throws -> Void) throws {
    do { try body() } catch {
      FileHandle.standardError.write(Data("whitlock-nexus-bench: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}

/// How many distinct simulated spectra a spool repeats.
struct DistinctOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Distinct simulated spectra, analysed by the real pipelines and repeated.", valueName: "k"))
  var distinct = 64

  func validate() throws {
    guard distinct > 0 else { throw ValidationError("--distinct must be a positive number") }
  }
}

extension NeXusBench {
  /// `whitlock-nexus-bench [run]`: the benchmark.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Generate spools of each size, export them and print spectra/s and peak RSS.")

    @Option(
      help: ArgumentHelp(
        "Spool sizes in spectra, separated by commas.", valueName: "n[,n…]"))
    var spectra = "10000,100000"

    @OptionGroup var distinct: DistinctOption

    @Option(
      help: ArgumentHelp(
        "Scratch directory (default: a new one under the temporary directory).", valueName: "d"))
    var directory: String?

    @Option(
      help: ArgumentHelp(
        "Python with h5py for the peer (default: the one scripts/nexus/venv.sh makes).",
        valueName: "path"))
    var python: String?

    func validate() throws {
      let parts = spectra.split(separator: ",", omittingEmptySubsequences: false)
      guard !parts.isEmpty, parts.allSatisfy({ Int($0).map { $0 > 0 } ?? false }) else {
        throw ValidationError("--spectra must be positive numbers separated by commas")
      }
      if let python, !FileManager.default.isExecutableFile(atPath: python) {
        throw ValidationError("--python \(python) is not an executable")
      }
    }

    /// The sizes `--spectra` names.
    var sizes: [Int] { spectra.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
      try NeXusBench.failing {
        try measure(
          sizes: sizes, distinct: distinct.distinct, directory: directory,
          python: python ?? peerPython())
      }
    }
  }

  /// `whitlock-nexus-bench generate DIR`: one spool, for tests and by hand.
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a spool of simulated spectra with real detection results; print its run ids."
    )

    @Argument(help: ArgumentHelp("The spool directory to write.", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("Spectra in the spool.", valueName: "n"))
    var spectra = 1000

    @Option(help: ArgumentHelp("Runs the spectra are divided into.", valueName: "r"))
    var runs = 1

    @OptionGroup var distinct: DistinctOption

    func validate() throws {
      guard spectra > 0 else { throw ValidationError("--spectra must be a positive number") }
      guard runs > 0 else { throw ValidationError("--runs must be a positive number") }
    }

    func run() throws {
      try NeXusBench.failing {
        let generator = SpoolGenerator(spectra: spectra, runs: runs, distinct: distinct.distinct)
        let written = try generator.write(to: directory)
        for run in written.runIDs { print(run) }
      }
    }
  }
}

/// The Python of the NeXus test environment (`scripts/nexus/venv.sh`, made once, from PyPI).
func peerPython() throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/bash")
  process.arguments = ["scripts/nexus/venv.sh"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()  // blocking-ok: a synchronous command on the main thread
  let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  guard process.terminationStatus == 0, !path.isEmpty else {
    throw BenchmarkFailure(
      "scripts/nexus/venv.sh failed (run from the repository root, or give --python)")
  }
  return path
}
