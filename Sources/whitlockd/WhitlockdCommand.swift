import ArgumentParser
import Foundation
import InstrumentFamilies
import Logging
import WhitlockConfiguration
import WhitlockCore
import WhitlockDaemon
import WhitlockLogging

/// The `whitlockd` executable: parse arguments, load configuration, run the daemon.
@main
struct WhitlockdCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlockd",
    abstract: "Acquire Raman and XRF spectra, detect whitlockite, and spool every result.",
    discussion: """
      Without --config, whitlockd runs its embedded default: a simulated Raman spectrometer and a
      simulated XRF detector, spooling under ./spool. Results are measurements for research use,
      not a diagnosis.

      Exit status: 0 after a clean shutdown, 78 (EX_CONFIG) for a configuration error,
      1 for any other start-up failure.
      """)

  @Option(name: .long, help: "The TOML configuration file (default: the embedded default).")
  var config: String?

  @Option(name: .long, help: "Spool directory; overrides [spool] path.")
  var spool: String?

  @Option(
    name: .customLong("log-level"),
    help: "trace, debug, info, notice, warning, error or critical; overrides [daemon] log_level.")
  var logLevel: String?

  @Option(
    name: .customLong("check-config"),
    help: "Validate this configuration file, print a summary and exit.")
  var checkConfig: String?

  @Flag(
    name: .long,
    help: """
      Run as the installed service (the systemd unit passes it): simulated or emulated \
      instruments are refused unless [daemon] allow_simulated = true.
      """)
  var service = false

  func validate() throws {
    if let logLevel, Logger.Level(rawValue: logLevel) == nil {
      throw ValidationError(
        "--log-level \(logLevel) is not one of "
          + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
    }
  }

  func run() async throws {
    MallocArenas.limit()
    if let checkConfig {
      let configuration = try loadOrExit(path: checkConfig)
      let instruments = configuration.instruments.map {
        "\($0.id) [\($0.kind.rawValue), \($0.driver.rawValue)]"
      }
      print(
        "\(checkConfig): ok (\(instruments.count) instruments"
          + (instruments.isEmpty ? "" : ": " + instruments.joined(separator: ", "))
          + "; spool \(configuration.spool.path))")
      if let axis = configuration.axisCalibration {
        print("Raman axis calibration \(axis.id) (\(axis.created))")
      }
      if let response = configuration.intensityCalibration {
        let range = response.range
        print(
          "Raman intensity correction \(response.id) (\(response.standard.title), "
            + "\(Int(range.lowerBound))–\(Int(range.upperBound)) cm-1, made on "
            + (response.axisCalibrationID.isEmpty
              ? "the vendor axis" : "axis calibration \(response.axisCalibrationID)") + ")")
      }
      if let advice = configuration.noInstrumentAdvice {
        print("whitlockd will start but acquire nothing: \(advice)")
      }
      return
    }
    let configuration = try loadOrExit(path: config)
    let level = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? configuration.logLevel
    LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, level: level) }
    let logger = Logger(label: "whitlockd")
    ParentProcessWatch.startIfRequested { parent in
      logger.notice(
        "parent process gone; stopping as on SIGTERM",
        metadata: [
          "parent_pid": "\(parent)", "because": "\(ParentProcessWatch.environmentVariable)=1",
        ])
    }
    do {
      try await Daemon(configuration: configuration, spoolOverride: spool).run(logger: logger)
    } catch {
      logger.critical("whitlockd cannot run", metadata: ["error": "\(error)"])
      throw ExitCode.failure
    }
  }

  /// The spool's test-only fault injection (`SpoolInjectedFault.environmentVariable`).
  private static let spoolFaultVariable = "WHITLOCK_SPOOL_INJECT_FAULT"

  private func loadOrExit(path: String?) throws -> DaemonConfiguration {
    do {
      let configuration =
        try path.map { path throws(ConfigurationError) in try ConfigurationLoader.load(path: path) }
        ?? ConfigurationLoader.embeddedDefault()
      if service { try configuration.checkServiceUse() }
      if service, ProcessInfo.processInfo.environment[Self.spoolFaultVariable] != nil {
        // The fault matrix's failing disk must never reach a real spool.
        let message =
          "whitlockd: \(Self.spoolFaultVariable) is set: spool fault injection is for tests "
          + "only and refused under --service; remove it from the environment\n"
        FileHandle.standardError.write(Data(message.utf8))
        throw ExitCode(78)
      }
      return configuration
    } catch let exit as ExitCode {
      throw exit
    } catch {
      FileHandle.standardError.write(Data("whitlockd: configuration error: \(error)\n".utf8))
      throw ExitCode(78)
    }
  }
}
