import Foundation

/// Command-line options of `whitlock-soak`.
struct SoakOptions {
  /// Length of the whole run.
  var minutes = 60.0
  /// Seconds between table rows; 0 picks 60 s, or a twelfth of the run for runs under 12 minutes.
  var interval = 0.0
  /// The first part of the run that the growth figures leave out (allocator and caches settling).
  var warmupMinutes = 2.0
  /// Raman exposure: 0.01 s is 100 spectra/s nominal.
  var ramanExposure = 0.01
  var ramanPixels = 2048
  /// XRF preset time: 1 s is 1 spectrum/s.
  var xrfExposure = 1.0
  var xrfChannels = 2048
  /// Allowed RSS growth after warm-up, in MB (10⁶ bytes).
  var rssTargetMB = 5.0
  /// Keep the scratch directory (configuration, daemon log) after the run.
  var keep = false
  var daemon = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("whitlockd").path

  static let usage = """
    usage: whitlock-soak [--minutes N] [--interval S] [--warmup-minutes N] [--raman-exposure S]
                         [--raman-pixels N] [--xrf-exposure S] [--xrf-channels N] [--daemon PATH]
                         [--keep]
    """

  init(_ arguments: [String]) throws {
    var iterator = arguments.makeIterator()
    func number(_ name: String) throws -> Double {
      guard let text = iterator.next(), let value = Double(text), value.isFinite, value >= 0 else {
        throw SoakFailure("\(name) needs a non-negative number\n\(Self.usage)")
      }
      return value
    }
    while let argument = iterator.next() {
      switch argument {
      case "--minutes": minutes = try number(argument)
      case "--interval": interval = try number(argument)
      case "--warmup-minutes": warmupMinutes = try number(argument)
      case "--raman-exposure": ramanExposure = try number(argument)
      case "--raman-pixels": ramanPixels = Int(try number(argument))
      case "--xrf-exposure": xrfExposure = try number(argument)
      case "--xrf-channels": xrfChannels = Int(try number(argument))
      case "--daemon":
        guard let path = iterator.next() else { throw SoakFailure("--daemon needs a path") }
        daemon = path
      case "--keep": keep = true
      case "-h", "--help":
        FileHandle.standardOutput.write(Data((Self.usage + "\n").utf8))
        exit(0)
      default: throw SoakFailure("unknown option \(argument)\n\(Self.usage)")
      }
    }
    guard minutes > 0 else { throw SoakFailure("--minutes must be positive") }
    if interval <= 0 { interval = minutes >= 12 ? 60 : max(5, minutes * 60 / 12) }
  }
}

/// A soak run that could not start or ended early.
struct SoakFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
