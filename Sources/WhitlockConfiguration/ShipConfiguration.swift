import NetworkSettings
import Spool

/// The `[ship]` table: whitlockd ships its own spool into PostgreSQL (`SpoolShipper`).
///
/// ```toml
/// [ship]
/// postgres = "postgres://whitlock@db.lab.example:5432/lab?sslmode=verify-full&sslrootcert=/etc/whitlockd/db-ca.pem"
/// password_file = "/etc/whitlockd/postgres.password"   # first line is the password; chmod 600
/// after_ship = "move"                                   # or "delete"
/// retry_max_s = 30                                      # longest wait between reconnections
/// deadline_s = 60                                       # a silent connection is given up after
/// ```
///
/// Without the table (or with `enabled = false`) nothing is shipped.
public struct ShipConfiguration: Sendable {
  /// The database (`postgres`); never holds a password.
  public var url: PostgresURL
  /// The file whose first line is the password (`password_file`), if the database wants one.
  public var passwordFile: String?
  /// What happens to a shipped segment (`after_ship`): moved to `cur/` or deleted.
  public var disposal: SpoolConsumer.Disposal = .move
  /// The longest wait between reconnection attempts (`retry_max_s`).
  public var retryMaxSeconds: Double = 30
  /// How often `new/` is looked at for complete segments (`poll_interval_s`).
  public var pollIntervalSeconds: Double = 0.25
  /// The longest a connection attempt or one segment's transaction may go unanswered before the
  /// connection is given up and made again (a network that goes silent without a reset).
  public var deadlineSeconds: Double = 60

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> ShipConfiguration?
  {
    let enabled = try reader.boolean("enabled", default: true)
    let text = try reader.optionalString("postgres")
    let passwordFile = try reader.optionalString("password_file")
    let disposal: SpoolConsumer.Disposal = try reader.choice("after_ship", default: .move)
    let retryMax = try reader.number("retry_max_s", default: 30, in: 0.1...3600, unit: "s")
    let poll = try reader.number("poll_interval_s", default: 0.25, in: 0.01...60, unit: "s")
    let deadline = try reader.number("deadline_s", default: 60, in: 1...3600, unit: "s")
    guard enabled, !reader.table.entries.isEmpty else { return nil }
    guard let text else {
      throw reader.error(
        "postgres", "required key is missing (e.g. \"postgres://whitlock@db.lab:5432/lab\")")
    }
    let url: PostgresURL
    do { url = try PostgresURL(parsing: text) } catch {
      throw reader.error("postgres", error.message)
    }
    if url.password != nil {
      throw reader.error(
        "postgres", "must not contain a password; put it in the file named by password_file")
    }
    if passwordFile?.isEmpty == true {
      throw reader.error("password_file", "must not be empty; remove the key for no password")
    }
    var configuration = ShipConfiguration(url: url, passwordFile: passwordFile)
    configuration.disposal = disposal
    configuration.retryMaxSeconds = retryMax
    configuration.pollIntervalSeconds = poll
    configuration.deadlineSeconds = deadline
    return configuration
  }
}
