import WhitlockCore

/// One event on the live stream (`GET /api/v1/events`), encoded once when published and then
/// shared by every client, so the cost of a publication does not grow with the number of clients.
public struct LiveEvent: Sendable, Equatable {
  /// What an event reports; the raw value is the SSE `event:` name.
  public enum Kind: String, Sendable, CaseIterable {
    /// A spectrum with its detection result and a decimated copy of the counts.
    case acquisition
    /// An instrument changed state (opening, open, error, closed).
    case instrument
    /// A run started or ended.
    case run
    /// A map's progress: `map_id`, `state` (running, paused, complete, aborted), `points_done`,
    /// `points_total` and the map-plan record's `plan`.
    case map
  }

  /// Strictly increasing per daemon; the SSE `id:` a client echoes back in `Last-Event-ID`.
  public var id: UInt64
  public var kind: Kind
  /// The event's JSON object, UTF-8 encoded, on one line.
  public var data: [UInt8]

  public init(id: UInt64, kind: Kind, data: [UInt8]) {
    self.id = id
    self.kind = kind
    self.data = data
  }

  /// The event framed as a server-sent event (`id`, `event`, `data`, blank line).
  ///
  /// `data` never contains a line break (JSONWriter escapes control characters), so one `data:`
  /// line carries the whole object.
  public var serverSentEvent: [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(data.count + 48)
    bytes.append(contentsOf: "id: \(id)\nevent: \(kind.rawValue)\ndata: ".utf8)
    bytes.append(contentsOf: data)
    bytes.append(contentsOf: "\n\n".utf8)
    return bytes
  }

  /// Encodes `value` as the data of an event.
  public static func encode(_ value: JSONValue) -> [UInt8] {
    var writer = JSONWriter(reservingCapacity: 4096)
    writer.value(value)
    return writer.bytes
  }
}
