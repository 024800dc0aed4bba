import ArgumentParser
import Foundation
import Logging
import NetworkSettings
import ServiceLifecycle
import Spool
import SpoolShipper
import WhitlockLogging

/// `whitlockctl ship`: ships a spool's complete segments into PostgreSQL, exactly once.
struct ShipCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ship",
    abstract: "Ship a spool's records into PostgreSQL, exactly once.",
    discussion: """
      Takes complete segments from SPOOL/new/, stores their records in one transaction per \
      segment (keyed by the spool's id and seq, so shipping a segment twice adds nothing), \
      commits, and only then moves the segment to cur/ (or deletes it). Applies the schema's \
      migrations first. While the database is unreachable segments wait in new/ and the \
      shipper retries with back-off. Runs beside whitlockd or on its own; SIGTERM or SIGINT \
      stop it. whitlockd can run the same shipper itself ([ship] in its configuration).
      """)

  @Option(
    name: .long,
    help: """
      postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-full\
      [&sslrootcert=CA.pem]]; sslmode defaults to verify-full, or prefer for a loopback host. \
      A weaker mode off loopback works but is warned about.
      """)
  var postgres: String

  @Option(name: .long, help: "The spool directory.")
  var spool: String

  @Option(
    name: .long,
    help: """
      File whose first line is the password: a regular file owned by root or by you, mode 0600 \
      or 0640 (no access for others, not group-writable), or a systemd credential.
      """)
  var passwordFile: String?

  @Option(name: .long, help: "What to do with a shipped segment: move (to cur/) or delete.")
  var afterShip: String = "move"

  @Option(name: .long, help: "Longest wait between reconnection attempts, in seconds.")
  var retryMax: Double = 30

  @Option(
    name: .long,
    help: """
      Seconds a connection attempt or one segment's transaction may go unanswered before the \
      connection is given up and made again (1–3600).
      """)
  var deadline: Double = 60

  @Flag(name: .long, help: "Exit once new/ is empty instead of waiting for more segments.")
  var once = false

  @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
  var logLevel: String = "info"

  func run() async throws {
    let url: PostgresURL
    do { url = try PostgresURL(parsing: postgres) } catch { throw ValidationError("\(error)") }
    guard let disposal = SpoolConsumer.Disposal(rawValue: afterShip) else {
      throw ValidationError("--after-ship must be move or delete, not \"\(afterShip)\"")
    }
    guard let level = Logger.Level(rawValue: logLevel) else {
      throw ValidationError("--log-level \"\(logLevel)\" is not a log level")
    }
    guard retryMax >= 0.1, retryMax <= 3600 else {
      throw ValidationError("--retry-max must be between 0.1 and 3600 seconds")
    }
    guard deadline >= 1, deadline <= 3600 else {
      throw ValidationError("--deadline must be between 1 and 3600 seconds")
    }
    let layout = SpoolLayout(root: spool)
    guard FileManager.default.fileExists(atPath: layout.new) else {
      throw ValidationError("\(spool) is not a whitlockd spool: it has no new/ directory")
    }
    var password: String?
    if let passwordFile {
      do { password = try PasswordFile.read(passwordFile) } catch {
        throw ValidationError("\(error)")
      }
    }
    let logger = Logger(label: "whitlockctl.ship") { label in
      DaemonLogHandler(label: label, level: level)
    }
    var settings = ShipperSettings(
      spool: layout, target: PostgresTarget(url: url, password: password))
    settings.disposal = disposal
    settings.operationDeadline = .seconds(deadline)
    settings.backoff = Backoff(
      initial: min(.milliseconds(500), .seconds(retryMax)), maximum: .seconds(retryMax))
    let shipper = SpoolShipper(settings: settings, logger: logger)
    if once {
      await shipper.run(untilDrained: true)
      return
    }
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: ShipperService(shipper: shipper))],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
  }
}
