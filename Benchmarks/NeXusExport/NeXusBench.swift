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

    @Option(
      help: ArgumentHelp(
        "Write one map of this many columns × rows instead (a Raman and an XRF spectrum at each "
          + "point; --spectra, --runs and --distinct do not apply).", valueName: "COLSxROWS"))
    var map: String?

    @Option(help: ArgumentHelp("With --map: points left unmeasured at the end.", valueName: "n"))
    var missing = 0

    /// `--map`'s columns and rows.
    var mapSize: (columns: Int, rows: Int)? {
      guard let map else { return nil }
      let parts = map.lowercased().split(separator: "x").compactMap { Int($0) }
      guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
      return (parts[0], parts[1])
    }

    func validate() throws {
      guard spectra > 0 else { throw ValidationError("--spectra must be a positive number") }
      guard runs > 0 else { throw ValidationError("--runs must be a positive number") }
      if map != nil, mapSize == nil {
        throw ValidationError("--map must be COLUMNSxROWS, e.g. 6x5")
      }
      if let size = mapSize, missing < 0 || missing >= size.columns * size.rows {
        throw ValidationError("--missing must leave at least one of the map's points measured")
      }
    }

    func run() throws {
      try NeXusBench.failing {
        if let size = mapSize {
          let generator = MapSpoolGenerator(
            columns: size.columns, rows: size.rows, missing: missing)
          print(try generator.write(to: directory))
          return
        }
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
