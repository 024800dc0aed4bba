import HTTPTypes
import Hummingbird
import NetworkSettings
import Synchronization

/// Applies `MonitorAccessPolicy` to every request before its route runs: a wrong `Host` gets
/// 403 naming the accepted names, a missing token on a non-loopback address 401. Either token
/// (control or read-only) opens the read endpoints; the control routes check the control token
/// themselves.
struct MonitorAccessMiddleware<Context: RequestContext>: RouterMiddleware {
  let policy: MonitorAccessPolicy
  let tokens: [BearerToken]
  let boundPort: BoundPort

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let authorization = request.headers[.authorization]
    let hasValidToken = tokens.contains { $0.accepts(authorization: authorization) }
    let refusal = policy.check(
      hostHeader: request.head.authority, path: request.uri.path,
      boundPort: boundPort.value, hasValidToken: hasValidToken)
    switch refusal {
    case nil:
      return try await next(request, context)
    case .host(let host):
      return MonitorRoutes.error(
        .forbidden,
        "Host \"\(host.prefix(100))\" is not this monitor's; use localhost, 127.0.0.1 or [::1] "
          + "with the monitor's port, or add the name to [monitor] allowed_hosts")
    case .token:
      var response = MonitorRoutes.error(
        .unauthorized,
        "this monitor listens beyond loopback: every endpoint but /healthz and /readyz needs "
          + "Authorization: Bearer <token from [monitor] token_file>")
      response.headers[.wwwAuthenticate] = "Bearer realm=\"whitlockd\""
      return response
    }
  }
}

/// The TCP port the server actually bound (the configured one may be 0), learnt once it runs.
final class BoundPort: Sendable {
  private let port: Atomic<Int>

  init(_ configured: Int) { port = Atomic(configured) }

  var value: Int { port.load(ordering: .relaxed) }

  func set(_ value: Int) { port.store(value, ordering: .relaxed) }
}
