import HTTPTypes
import Hummingbird
import NetworkSettings
import WhitlockCore

/// The monitor's HTTP endpoints. Everything is read-only except the two run-control endpoints,
/// which need the bearer token.
struct MonitorRoutes: Sendable {
  let hub: LiveHub
  let metrics: MonitorMetrics
  let backend: any MonitorBackend
  let token: BearerToken?
  /// Opens the read endpoints only.
  let readToken: BearerToken?
  let policy: MonitorAccessPolicy
  let boundPort: BoundPort

  func makeRouter() -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(
      middleware: MonitorAccessMiddleware(
        policy: policy, tokens: [token, readToken].compactMap { $0 }, boundPort: boundPort))
    router.get("/") { _, _ in
      Self.response(.ok, contentType: "text/html; charset=utf-8", MonitorPage.bytes)
    }
    router.get("healthz") { _, _ in Self.text(.ok, "ok\n") }
    router.get("readyz") { _, _ in
      if let reason = backend.notReadySummary() {
        return Self.text(.serviceUnavailable, "not ready: \(reason)\n")
      }
      return Self.text(.ok, "ready\n")
    }
    router.get("metrics") { _, _ in
      backend.refreshMetrics()
      let counters = hub.counters
      metrics.sseClients.record(counters.clients)
      return Self.response(
        .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
    }
    router.get("api/v1/status") { _, _ in Self.json(.ok, backend.status()) }
    router.get("api/v1/events") { request, _ in events(request) }
    addMapPointRoutes(to: router)
    router.post("api/v1/runs") { request, _ in
      if let refusal = authorize(request) { return refusal }
      let body: [UInt8]
      switch await Self.collectBody(request) {
      case .success(let bytes): body = bytes
      case .failure(let refusal): return refusal.response
      }
      let runRequest: RunRequest
      do { runRequest = try RunRequest.parse(body) } catch {
        return Self.error(.badRequest, "\(error)")
      }
      do { return Self.json(.created, try await backend.startRun(runRequest)) } catch {
        return Self.error(.conflict, "\(error)")
      }
    }
    router.post("api/v1/instruments/:id/dark") { request, context in
      if let refusal = authorize(request) { return refusal }
      return await darkRoute(request, instrumentID: context.parameters.get("id") ?? "")
    }
    router.post("api/v1/instruments/:id/calibration") { request, context in
      if let refusal = authorize(request) { return refusal }
      return await calibrationRoute(request, instrumentID: context.parameters.get("id") ?? "")
    }
    router.post("api/v1/runs/current/stop") { request, _ in
      if let refusal = authorize(request) { return refusal }
      do { return Self.json(.ok, try await backend.stopRun()) } catch {
        return Self.error(.conflict, "\(error)")
      }
    }
    addMapRoutes(to: router)
    return router
  }

  /// `POST /api/v1/maps`, `POST /api/v1/maps/current/{pause,resume,abort}` (the run-control
  /// token, like the run routes) and `GET /api/v1/maps/current` (a read, like the status).
  private func addMapRoutes(to router: Router<BasicRequestContext>) {
    router.post("api/v1/maps") { request, _ in
      if let refusal = authorize(request) { return refusal }
      let body: [UInt8]
      switch await Self.collectBody(request) {
      case .success(let bytes): body = bytes
      case .failure(let refusal): return refusal.response
      }
      do { return Self.json(.created, try await backend.startMap(body)) } catch {
        return Self.mapError(error)
      }
    }
    for action in MapAction.allCases {
      router.post("api/v1/maps/current/\(action.rawValue)") { request, _ in
        if let refusal = authorize(request) { return refusal }
        do { return Self.json(.ok, try await backend.controlMap(action)) } catch {
          return Self.mapError(error)
        }
      }
    }
    router.get("api/v1/maps/current") { _, _ in
      do { return Self.json(.ok, try backend.currentMap()) } catch { return Self.mapError(error) }
    }
  }

  private static func mapError(_ error: any Error) -> Response {
    guard let error = error as? MapControlError else { return Self.error(.conflict, "\(error)") }
    let status: HTTPResponse.Status =
      switch error.kind {
      case .invalid: .badRequest
      case .conflict: .conflict
      case .notFound: .notFound
      }
    return Self.error(status, error.description)
  }

  /// `nil` when the request carries the right token, else the response refusing it.
  private func authorize(_ request: Request) -> Response? {
    guard let token else {
      return Self.error(
        .forbidden,
        "run control is disabled: the daemon has no [monitor] token_file; everything else is "
          + "read-only")
    }
    guard token.accepts(authorization: request.headers[.authorization]) else {
      var response = Self.error(.unauthorized, "missing or wrong bearer token")
      response.headers[.wwwAuthenticate] = "Bearer realm=\"whitlockd\""
      return response
    }
    return nil
  }

  private func events(_ request: Request) -> Response {
    let lastID = request.headers[.lastEventID].flatMap { UInt64($0) }
    guard let subscription = hub.subscribeWithinLimit(lastEventID: lastID) else {
      metrics.sseClientsRefused.increment()
      var response = Self.error(
        .serviceUnavailable,
        "\(hub.settings.maxClients) live clients are connected, the limit ([monitor] "
          + "max_sse_clients); try again later")
      response.headers[.retryAfter] = "5"
      return response
    }
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream"
    headers[.cacheControl] = "no-cache"
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody { writer in
        var preamble = "retry: 2000\n\n"
        if subscription.missed > 0 {
          preamble += "event: gap\ndata: {\"missed\":\(subscription.missed)}\n\n"
        }
        try await writer.write(ByteBuffer(string: preamble))
        for event in subscription.replay {
          try await writer.write(ByteBuffer(bytes: event.serverSentEvent))
        }
        for await event in subscription.events {
          try await writer.write(ByteBuffer(bytes: event.serverSentEvent))
        }
        try await writer.finish(nil)
      })
  }

  static func collectBody(_ request: Request) async -> Result<[UInt8], Refusal> {
    let limit = RunRequest.maximumBodyBytes
    if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
      return .failure(Refusal(response: tooLarge()))
    }
    var bytes: [UInt8] = []
    do {
      for try await chunk in request.body {
        guard bytes.count + chunk.readableBytes <= limit else {
          return .failure(Refusal(response: tooLarge()))
        }
        bytes.append(contentsOf: chunk.readableBytesView)
      }
    } catch {
      return .failure(Refusal(response: Self.error(.badRequest, "cannot read body: \(error)")))
    }
    return .success(bytes)
  }

  struct Refusal: Error {
    var response: Response
  }

  private static func tooLarge() -> Response {
    error(.contentTooLarge, "body exceeds \(RunRequest.maximumBodyBytes) bytes")
  }

  static func response(_ status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8])
    -> Response
  {
    var headers = HTTPFields()
    headers[.contentType] = contentType
    headers[.cacheControl] = "no-store"
    return Response(
      status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
    response(status, contentType: "text/plain; charset=utf-8", Array(text.utf8))
  }

  static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
    var writer = JSONWriter(reservingCapacity: 4096)
    writer.value(value)
    writer.raw(0x0A)
    return response(status, contentType: "application/json", writer.bytes)
  }

  static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
    json(status, .object([("error", .string(message))]))
  }
}

extension HTTPField.Name {
  /// `Last-Event-ID`, sent by SSE clients when they reconnect.
  static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
