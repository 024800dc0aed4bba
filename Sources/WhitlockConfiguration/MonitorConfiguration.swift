import NetworkSettings

/// The `[monitor]` table: the live-monitoring HTTP server.
///
/// ```toml
/// [monitor]
/// enabled = true
/// listen = "127.0.0.1:9464"                  # or: unix_socket = "/run/whitlockd/monitor.sock"
/// token_file = "/etc/whitlockd/monitor.token" # enables run control; mode 0600 or 0640
/// read_token_file = "/etc/whitlockd/read.token" # opens only the read endpoints
/// sse_client_buffer = 512                     # events buffered per live client
/// event_history = 2048                        # events kept for Last-Event-ID resumption
/// max_sse_clients = 32                        # live clients at once; more get 503
/// allowed_hosts = ["whitlock.lab.example"]    # Host names accepted besides loopback ones
/// max_connections = 2048                      # HTTP connections at once; more wait
/// idle_timeout_s = 5                          # close connections with no request this long
/// stalled_client_timeout_s = 10               # close clients that stop reading this long
/// ```
///
/// A `listen` address beyond loopback needs `token_file`: every endpoint but health then needs
/// the token (`MonitorAccessPolicy`).
public struct MonitorConfiguration: Sendable {
  /// Whether the server runs at all.
  public var enabled = true
  /// Where it listens (default 127.0.0.1:9464, loopback only).
  public var address = MonitorAddress.default
  /// The bearer-token file that enables `POST /api/v1/runs…`; without it run control is off.
  public var tokenFile: String?
  /// A token file that opens the read endpoints only (dashboards, scrapers beyond loopback).
  public var readTokenFile: String?
  /// The live hub's buffer sizes and client limit.
  public var hub = LiveHubSettings()
  /// Further `Host` names the monitor answers to.
  public var allowedHosts: [String] = []
  /// Connection cap and timeouts.
  public var limits = ConnectionLimits()

  /// Enabled on 127.0.0.1:9464 with run control off: the defaults of an empty `[monitor]`.
  public init() {}

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> MonitorConfiguration
  {
    var configuration = MonitorConfiguration()
    configuration.enabled = try reader.boolean("enabled", default: true)
    let listen = try reader.optionalString("listen")
    let socket = try reader.optionalString("unix_socket")
    switch (listen, socket) {
    case (.some, .some):
      throw reader.error("unix_socket", "give either listen or unix_socket, not both")
    case (.some(let text), nil):
      guard let address = MonitorAddress.parseListen(text) else {
        throw reader.error(
          "listen", "\"\(text)\" is not HOST:PORT (e.g. \"127.0.0.1:9464\" or \"[::1]:9464\")")
      }
      configuration.address = address
    case (nil, .some(let path)):
      guard path.hasPrefix("/"), path.utf8.count < 108 else {
        throw reader.error("unix_socket", "must be an absolute path shorter than 108 bytes")
      }
      configuration.address = .unixSocket(path: path)
    case (nil, nil):
      break
    }
    configuration.tokenFile = try reader.optionalString("token_file")
    if configuration.tokenFile?.isEmpty == true {
      throw reader.error("token_file", "must not be empty; remove the key to disable run control")
    }
    configuration.readTokenFile = try reader.optionalString("read_token_file")
    if configuration.readTokenFile?.isEmpty == true {
      throw reader.error("read_token_file", "must not be empty; remove the key instead")
    }
    if let read = configuration.readTokenFile, read == configuration.tokenFile {
      throw reader.error(
        "read_token_file", "must be another file than token_file: it must not open run control")
    }
    configuration.hub.clientBuffer = try reader.integer(
      "sse_client_buffer", default: configuration.hub.clientBuffer, in: 16...65536)
    configuration.hub.history = try reader.integer(
      "event_history", default: configuration.hub.history, in: 16...1_000_000)
    configuration.hub.maxClients = try reader.integer(
      "max_sse_clients", default: configuration.hub.maxClients, in: 1...10_000)
    configuration.allowedHosts = try reader.stringArray("allowed_hosts")
    configuration.limits.maxConnections = try reader.integer(
      "max_connections", default: configuration.limits.maxConnections, in: 16...1_000_000)
    configuration.limits.idleTimeoutSeconds = try reader.number(
      "idle_timeout_s", default: configuration.limits.idleTimeoutSeconds, in: 0.5...3600,
      unit: "s")
    configuration.limits.stalledClientSeconds = try reader.number(
      "stalled_client_timeout_s", default: configuration.limits.stalledClientSeconds,
      in: 1...3600, unit: "s")
    let policy = MonitorAccessPolicy(address: configuration.address)
    if configuration.enabled && policy.requiresTokenForEverything
      && configuration.tokenFile == nil && configuration.readTokenFile == nil
    {
      throw reader.error(
        "listen",
        "\(configuration.address) is not a loopback address: set token_file too (every endpoint "
          + "but /healthz and /readyz then needs the token), or listen on 127.0.0.1")
    }
    return configuration
  }
}
