import ArgumentParser
import Foundation
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl map …`: maps on the running daemon's stage.
///
/// The group's subcommands are listed in `MapCommand.subcommands`; a new one (e.g. `image`)
/// is a type in its own file and one entry there.
struct MapCommand: ParsableCommand {
  /// Every `map` subcommand, in the order `--help` lists them.
  static let subcommands: [any ParsableCommand.Type] = [
    MapStart.self, MapControl.Pause.self, MapControl.Resume.self, MapControl.Abort.self,
    MapStatus.self, MapImageCommand.self,
  ]

  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract:
      "Start, pause, resume, abort or show a map on the running daemon's stage; render one as PNG",
    subcommands: subcommands)
}

/// Sends map requests to the daemon's monitor and prints the answer.
struct MapRequester: ParsableArguments {
  @OptionGroup var monitor: MonitorOptions

  /// Sends `method path` with `body`; returns the JSON answer, or fails with the daemon's
  /// message.
  func send(_ method: String, _ path: String, body: [UInt8] = []) throws -> JSONValue {
    let response: MonitorClient.Response
    do {
      response = try monitor.client().request(
        method, path, headers: [("Content-Type", "application/json")], body: body)
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw fail("\(error)")
    }
    let value = try? JSONParser.parse(response.body)
    guard (200..<300).contains(response.status) else {
      throw fail("HTTP \(response.status): \(value?["error"]?.stringValue ?? response.text)")
    }
    guard let value else { throw fail("the daemon's answer is not JSON: \(response.text)") }
    return value
  }

  /// Needs `--token-file` (map control is run control).
  func requireToken() throws {
    guard monitor.tokenFile != nil else {
      throw ValidationError("map control needs --token-file (the daemon's [monitor] token_file)")
    }
  }
}

struct MapStart: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Start a map",
    discussion: """
      Either --plan FILE (the plan as JSON: map_id, region, step_um, order, settle_s, \
      exposures {raman_s, xrf_s}, repeats; see docs/mapping.md) or a rectangle: --id, --x, \
      --y, --width, --height, --step and at least one of --raman, --xrf. Prints the map.
      """)

  @OptionGroup var requester: MapRequester

  @Option(name: .long, help: "A JSON file holding the plan.")
  var plan: String?
  @Option(name: .long, help: "The map id.")
  var id: String?
  @Option(name: .long, help: "Smallest x of the rectangle, µm.")
  var x: Double?
  @Option(name: .long, help: "Smallest y of the rectangle, µm.")
  var y: Double?
  @Option(name: .long, help: "Width, µm.")
  var width: Double?
  @Option(name: .long, help: "Height, µm.")
  var height: Double?
  @Option(name: .long, help: "Grid step, µm.")
  var step: Double?
  @Option(name: .long, help: "snake or raster.")
  var order = "snake"
  @Option(name: .long, help: "Wait after the stage settles, s.")
  var settle = 0.0
  @Option(name: .long, help: "Raman exposure per point, s.")
  var raman: Double?
  @Option(name: .long, help: "XRF exposure per point, s.")
  var xrf: Double?
  @Option(name: .long, help: "Exposures per technique at each point.")
  var repeats = 1

  func validate() throws { try requester.requireToken() }

  func run() throws {
    let body: [UInt8]
    do {
      if let plan {
        guard let data = FileManager.default.contents(atPath: plan) else {
          throw fail("cannot read plan file \(plan)")
        }
        body = try MapPlanRequest.checked([UInt8](data))
      } else {
        guard let id, let x, let y, let width, let height, let step else {
          throw ValidationError(
            "give --plan FILE, or --id, --x, --y, --width, --height and --step")
        }
        var rectangle = MapPlanRequest.Rectangle(
          id: id, x: x, y: y, width: width, height: height, step: step)
        rectangle.order = order
        rectangle.settleSeconds = settle
        rectangle.ramanSeconds = raman
        rectangle.xrfSeconds = xrf
        rectangle.repeats = repeats
        body = try MapPlanRequest.checked(rectangle.json)
      }
    } catch let error as MapPlanRequest.Invalid {
      throw fail("plan refused: \(error)")
    }
    print(MapPlanRequest.describe(try requester.send("POST", "/api/v1/maps", body: body)))
  }
}

/// `map pause|resume|abort`.
enum MapControl {
  struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Pause the map after the acquisition in progress")
    @OptionGroup var requester: MapRequester
    func validate() throws { try requester.requireToken() }
    func run() throws {
      print(MapPlanRequest.describe(try requester.send("POST", "/api/v1/maps/current/pause")))
    }
  }

  struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused map")
    @OptionGroup var requester: MapRequester
    func validate() throws { try requester.requireToken() }
    func run() throws {
      print(MapPlanRequest.describe(try requester.send("POST", "/api/v1/maps/current/resume")))
    }
  }

  struct Abort: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Abort the map; it is never resumed")
    @OptionGroup var requester: MapRequester
    func validate() throws { try requester.requireToken() }
    func run() throws {
      print(MapPlanRequest.describe(try requester.send("POST", "/api/v1/maps/current/abort")))
    }
  }
}

struct MapStatus: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show the current (or last) map")
  @OptionGroup var requester: MapRequester
  @Flag(name: .long, help: "Print the daemon's JSON.")
  var json = false

  func run() throws {
    let map = try requester.send("GET", "/api/v1/maps/current")
    if json {
      var writer = JSONWriter(reservingCapacity: 1024)
      writer.value(map)
      print(String(decoding: writer.bytes, as: UTF8.self))
    } else {
      print(MapPlanRequest.describe(map))
    }
  }
}
