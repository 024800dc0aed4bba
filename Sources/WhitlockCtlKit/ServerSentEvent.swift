/// One server-sent event as received.
public struct ServerSentEvent: Sendable, Equatable {
  /// The `id:` field, if any.
  public var id: String?
  /// The `event:` field (`message` when absent).
  public var event: String
  /// The `data:` lines joined with line feeds.
  public var data: String

  public init(id: String?, event: String, data: String) {
    self.id = id
    self.event = event
    self.data = data
  }
}

/// Incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events"):
/// lines of `field: value`, comments starting with `:`, events ended by a blank line.
public struct ServerSentEventParser: Sendable {
  private var pending: [UInt8] = []
  private var id: String?
  private var event = ""
  private var data: [String] = []

  public init() {}

  /// Feeds bytes and returns the events they complete.
  public mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
    pending += bytes
    var events: [ServerSentEvent] = []
    var lineStart = 0
    var index = 0
    while index < pending.count {
      if pending[index] == 0x0A {
        var end = index
        if end > lineStart, pending[end - 1] == 0x0D { end -= 1 }
        if let event = line(String(decoding: pending[lineStart..<end], as: UTF8.self)) {
          events.append(event)
        }
        lineStart = index + 1
      }
      index += 1
    }
    pending.removeFirst(lineStart)
    return events
  }

  private mutating func line(_ text: String) -> ServerSentEvent? {
    if text.isEmpty {
      defer {
        event = ""
        data = []
      }
      guard !data.isEmpty else { return nil }
      return ServerSentEvent(
        id: id, event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"))
    }
    if text.hasPrefix(":") { return nil }
    let field: Substring
    var value: Substring
    if let colon = text.firstIndex(of: ":") {
      field = text[..<colon]
      value = text[text.index(after: colon)...]
      if value.hasPrefix(" ") { value = value.dropFirst() }
    } else {
      field = Substring(text)
      value = ""
    }
    switch field {
    case "id": id = String(value)
    case "event": event = String(value)
    case "data": data.append(String(value))
    default: break
    }
    return nil
  }
}
