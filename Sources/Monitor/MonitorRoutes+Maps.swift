import Hummingbird
import WhitlockCore

extension MonitorRoutes {
  /// The live map's read endpoints, answered from `LiveHub.mapBoard`:
  /// `GET /api/v1/maps/current/points` (every point so far; `map_id` null before the first
  /// map) and `GET /api/v1/maps/current/points/{index}` (one point with its spectra and fitted
  /// bands; 404 when the current map has no such point).
  func addMapPointRoutes(to router: Router<BasicRequestContext>) {
    let board = hub.mapBoard
    router.get("api/v1/maps/current/points") { _, _ in Self.json(.ok, board.pointsDocument()) }
    router.get("api/v1/maps/current/points/:index") { _, context in
      let text = context.parameters.get("index") ?? ""
      guard let index = Int(text), index >= 0 else {
        return Self.error(.badRequest, "point index \"\(text.prefix(40))\" is not a grid index")
      }
      guard let point = board.pointDocument(index: index) else {
        let map = board.currentMapID.map { "map \($0)" } ?? "no map"
        return Self.error(.notFound, "\(map) has no point \(index) measured")
      }
      return Self.json(.ok, point)
    }
  }
}
