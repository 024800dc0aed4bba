import HTTPTypes
import Hummingbird
import WhitlockCore

extension MonitorRoutes {
  /// `POST /api/v1/instruments/ID/dark`, body `{"beam_blocked": true}` or empty: takes a dark
  /// between two spectra and answers 201 with it, 404 for an unknown instrument, 409 when the
  /// instrument cannot take one (the beam not confirmed blocked, no acquisition chain, a
  /// saturated dark).
  func darkRoute(_ request: Request, instrumentID: String) async -> Response {
    let body: [UInt8]
    switch await Self.collectBody(request) {
    case .success(let bytes): body = bytes
    case .failure(let refusal): return refusal.response
    }
    var beamBlocked = false
    if !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      let value: JSONValue
      do { value = try JSONParser.parse(body) } catch {
        return Self.error(.badRequest, "body is not JSON: \(error)")
      }
      guard case .object(let members) = value else {
        return Self.error(.badRequest, "body must be a JSON object")
      }
      for (key, member) in members {
        guard key == "beam_blocked", case .bool(let flag) = member else {
          return Self.error(
            .badRequest, "unknown member \(key) (the body takes only \"beam_blocked\": true|false)")
        }
        beamBlocked = flag
      }
    }
    do {
      return Self.json(
        .created, try await backend.takeDark(instrumentID: instrumentID, beamBlocked: beamBlocked))
    } catch let refusal as ControlRefusal {
      return Self.error(refusal.notFound ? .notFound : .conflict, refusal.description)
    } catch {
      return Self.error(.conflict, "\(error)")
    }
  }
}
