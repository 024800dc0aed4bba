import Foundation
import Hummingbird
import Logging
import NIOCore
import NetworkSettings
import ServiceLifecycle
import Synchronization
import WhitlockCore

/// The monitor's HTTP server as a service of the daemon's `ServiceGroup`.
///
/// Monitoring must never stop measuring: if the address cannot be bound (say another whitlockd
/// holds the port), the error is logged, `/readyz` is simply unavailable, and the service waits
/// for shutdown instead of taking the daemon down. At shutdown it ends every live stream first,
/// so open SSE responses finish, and cancels the server after a short grace so a stalled client
/// cannot hold the daemon up.
public struct MonitorServer: Service {
  /// How the server is set up.
  public struct Settings: Sendable {
    public var address: MonitorAddress = .default
    /// The run-control token; `nil` disables the control endpoints (403).
    public var token: BearerToken?
    /// A token that opens only the read endpoints (dashboards, Prometheus beyond loopback), so
    /// that what reads the monitor cannot also start runs and fire a laser.
    public var readToken: BearerToken?
    /// How long open responses may take to finish at shutdown before they are cut.
    public var shutdownGraceSeconds = 0.5
    /// Further `Host` names the monitor answers to (`MonitorAccessPolicy`).
    public var allowedHosts: [String] = []
    /// Connection cap and timeouts that keep hostile or forgetful clients from starving the
    /// daemon.
    public var limits = ConnectionLimits()

    public init(address: MonitorAddress = .default, token: BearerToken? = nil) {
      self.address = address
      self.token = token
    }

    /// The TCP port configured (0: the system picks one; also 0 for a Unix socket).
    var configuredPort: Int {
      if case .tcp(_, let port) = address { return port }
      return 0
    }
  }

  private let settings: Settings
  private let hub: LiveHub
  private let metrics: MonitorMetrics
  private let backend: any MonitorBackend
  private let logger: Logger

  public init(
    settings: Settings, hub: LiveHub, metrics: MonitorMetrics, backend: any MonitorBackend,
    logger: Logger
  ) {
    self.settings = settings
    self.hub = hub
    self.metrics = metrics
    self.backend = backend
    var logger = logger
    logger[metadataKey: "component"] = "monitor"
    self.logger = logger
  }

  /// The monitor's routes with its access policy, as `run` serves them: public so that tests
  /// drive them in process (Hummingbird's `.router` test mode), with no socket.
  public static func router(
    settings: Settings, hub: LiveHub, metrics: MonitorMetrics, backend: any MonitorBackend
  ) -> Router<BasicRequestContext> {
    router(
      settings: settings, hub: hub, metrics: metrics, backend: backend,
      boundPort: BoundPort(settings.configuredPort))
  }

  private static func router(
    settings: Settings, hub: LiveHub, metrics: MonitorMetrics, backend: any MonitorBackend,
    boundPort: BoundPort
  ) -> Router<BasicRequestContext> {
    MonitorRoutes(
      hub: hub, metrics: metrics, backend: backend, token: settings.token,
      readToken: settings.readToken,
      policy: MonitorAccessPolicy(address: settings.address, allowedHosts: settings.allowedHosts),
      boundPort: boundPort
    ).makeRouter()
  }

  public func run() async throws {
    let policy = MonitorAccessPolicy(
      address: settings.address, allowedHosts: settings.allowedHosts)
    let boundPort = BoundPort(settings.configuredPort)
    let router = Self.router(
      settings: settings, hub: hub, metrics: metrics, backend: backend, boundPort: boundPort)
    let bind: BindAddress
    switch settings.address {
    case .tcp(let host, let port): bind = .hostname(host, port: port)
    case .unixSocket(let path):
      Self.removeStaleSocket(at: path)
      bind = .unixDomainSocket(path: path)
    }
    var quietLogger = logger
    quietLogger.logLevel = max(logger.logLevel, .notice)
    let address = settings.address
    let control = settings.token == nil ? "disabled (no token_file)" : "enabled"
    let access: String
    if case .unixSocket = settings.address {
      access = "unix socket: whoever may write to it (group whitlockd)"
    } else if policy.requiresTokenForEverything {
      access = "token required for every endpoint but /healthz and /readyz (not a loopback address)"
    } else {
      access =
        "loopback: Host must be localhost, 127.0.0.1 or [::1] with this port"
        + (policy.allowedHosts.isEmpty ? "" : " or one of allowed_hosts")
    }
    let limits = settings.limits
    let maximum = limits.effectiveMaxConnections(descriptorLimit: DescriptorLimit.current)
    let stalled = metrics.connectionsStalled
    let application = Application(
      router: router,
      server: .http1(
        configuration: .init(
          additionalChannelHandlers: [
            StalledClientCloser(
              timeout: .milliseconds(Int64(limits.stalledClientSeconds * 1000)),
              onClose: { stalled.increment() })
          ],
          idleTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000)))),
      configuration: .init(
        address: bind, serverName: "whitlockd", backlog: 1024,
        availableConnectionsDelegate: ConnectionCap(
          maximum: maximum, gauge: metrics.connections)),
      onServerRunning: { [logger] channel in
        let bound: String
        switch address {
        case .unixSocket(let path):
          // Group members (whitlockctl users in group whitlockd) may connect; others may not,
          // whatever the umask: connecting needs write permission on the socket.
          chmod(path, 0o660)
          bound = address.description
        case .tcp:
          let local = channel.localAddress
          let host = local?.ipAddress ?? "?"
          boundPort.set(local?.port ?? 0)
          bound = "\(host.contains(":") ? "[\(host)]" : host):\(local?.port ?? 0)"
        }
        logger.notice(
          "monitor listening",
          metadata: [
            "address": "\(bound)", "run_control": "\(control)",
            "policy": "\(access)", "max_connections": "\(maximum)",
          ])
      },
      logger: quietLogger)

    let failed = FailureFlag()
    let grace = settings.shutdownGraceSeconds
    await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        do { try await application.run() } catch {
          failed.set()
          logger.error(
            "monitor cannot serve; acquisition continues without it",
            metadata: ["address": "\(address)", "error": "\(error)"])
        }
        return true
      }
      group.addTask { [hub] in
        try? await gracefulShutdown()
        hub.close()
        guard !failed.isSet else { return false }
        try? await Task.sleep(for: .seconds(grace))
        return false
      }
      let serverEndedFirst = await group.next() ?? true
      if serverEndedFirst && failed.isSet {
        _ = await group.next()  // wait for shutdown: a monitor failure is not a daemon failure
      }
      group.cancelAll()
    }
    if case .unixSocket(let path) = settings.address { Self.removeStaleSocket(at: path) }
  }

  /// Removes a socket file left by an earlier run (only if it is a socket).
  private static func removeStaleSocket(at path: String) {
    var info = stat()
    if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
  }
}

/// Set once when the server could not run.
private final class FailureFlag: Sendable {
  private let flag = Atomic(false)
  func set() { flag.store(true, ordering: .relaxed) }
  var isSet: Bool { flag.load(ordering: .relaxed) }
}
