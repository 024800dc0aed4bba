import Foundation
import WhitlockCore

/// A map on the real `whitlockd`, killed with SIGKILL at a point chosen by a seed and restarted
/// on the same spool until the map completes; then every slot of the plan must be in the spool
/// exactly once. Shared by the integration test and the fault matrix (`map-kill`).
///
/// The daemon runs simulated Raman and XRF instruments and the simulated stage; the map is
/// started with `whitlockctl map start` over the monitor's Unix socket. Kill points are counted
/// in map acquisitions written to the spool (read from its files, `tmp/` included: records are
/// written as they arrive), so the kill lands mid-map whatever the machine's load.
public struct MapKillResume: Sendable {
  /// What a run found.
  public struct Outcome: Sendable {
    /// The seed the kill points were drawn from.
    public var seed: UInt64
    /// Map acquisitions written when each kill was sent.
    public var killedAt: [Int]
    /// Slots the plan has.
    public var slots: Int
    /// Map acquisitions in the spool.
    public var spooled: Int
    /// Slots recorded more than once (extra copies).
    public var duplicated: Int
    /// Slots never recorded.
    public var missing: Int
    /// `map-end` records of the map, and their states.
    public var endStates: [String]
    /// The last daemon's log, for messages.
    public var log: String
  }

  /// Columns and rows of the plan (100 µm step).
  public var columns = 8
  public var rows = 6
  /// Kills before the map may finish.
  public var kills = 1
  /// Raman and XRF exposures of the plan, s (paced at `pacing` of real time).
  public var exposureSeconds = 0.1
  public var pacing = 0.3
  /// The map id.
  public var mapID = "kill-resume"

  public init() {}

  /// Runs the scenario in `directory` (which it fills: configuration, token, spool).
  public func run(seed: UInt64, in directory: String) async throws -> Outcome {
    var random = SplitMix(seed: seed)
    let slots = columns * rows * 2
    let socket = directory + "/monitor.sock"
    let token = directory + "/control.token"
    try "map-kill-resume-token-0123456789\n".write(
      toFile: token, atomically: true, encoding: .utf8)
    chmod(token, 0o600)
    let configuration = directory + "/whitlockd.toml"
    try """
    [spool]
    path = "\(directory)/spool"
    segment_max_age_s = 0.2
    [monitor]
    unix_socket = "\(socket)"
    token_file = "\(token)"
    [stage]
    driver = "simulated"
    [[instrument]]
    id = "r1"
    kind = "raman"
    driver = "simulated"
    exposure_s = \(exposureSeconds)
    [instrument.simulation]
    pacing = \(pacing)
    channels = 512
    [[instrument]]
    id = "x1"
    kind = "xrf"
    driver = "simulated"
    exposure_s = \(exposureSeconds)
    [instrument.simulation]
    pacing = \(pacing)
    channels = 1024
    """.write(toFile: configuration, atomically: true, encoding: .utf8)
    let plan = directory + "/plan.json"
    try """
    {"map_id": "\(mapID)", "region": {"type": "rectangle", "x_um": -350, "y_um": -250,
     "width_um": \((columns - 1) * 100), "height_um": \((rows - 1) * 100)},
     "step_um": 100, "exposures": {"raman_s": \(exposureSeconds), "xrf_s": \(exposureSeconds)}}
    """.write(toFile: plan, atomically: true, encoding: .utf8)

    let daemon = try ProductsDirectory.executable("whitlockd")
    let control = try ProductsDirectory.executable("whitlockctl")
    let spool = directory + "/spool"
    var killedAt: [Int] = []
    var child = try ChildProcess(daemon, ["--config", configuration], currentDirectory: directory)
    guard
      await child.wait(
        upTo: .seconds(60),
        until: { $0.standardError.contains("monitor listening") || !$0.isRunning }),
      child.isRunning
    else { throw SubprocessFailure(description: "whitlockd did not start: \(child.standardError)") }
    let started = try await Subprocess.run(
      URL(fileURLWithPath: control),
      ["map", "start", "--monitor", "unix:" + socket, "--token-file", token, "--plan", plan])
    guard started.status == 0 else {
      child.send(SIGKILL)
      _ = await child.waitForExit(upTo: .seconds(30))
      throw SubprocessFailure(
        description: "whitlockctl map start failed: \(started.standardError) \(child.standardError)"
      )
    }
    // Kill points spread over the map, each after the previous one.
    var threshold = 0
    for kill in 0..<kills {
      let room = max(1, (slots - 4 - threshold) / (kills - kill + 1))
      threshold += 1 + Int(random.next() % UInt64(room))
      let target = threshold
      let reached = await child.wait(upTo: .seconds(300)) { _ in
        Self.mapAcquisitions(in: spool) >= target
      }
      guard reached, child.isRunning else {
        throw SubprocessFailure(
          description: "the map did not reach \(target) acquisitions: \(child.standardError)")
      }
      child.send(SIGKILL)
      _ = await child.waitForExit(upTo: .seconds(30))
      killedAt.append(Self.mapAcquisitions(in: spool))
      child = try ChildProcess(daemon, ["--config", configuration], currentDirectory: directory)
    }
    // The last daemon resumes the map by itself and finishes it.
    let finished = await child.wait(upTo: .seconds(600)) { child in
      Self.mapEnds(in: spool) > 0 || !child.isRunning
    }
    child.send(SIGTERM)
    _ = await child.waitForExit(upTo: .seconds(30))
    guard finished else {
      throw SubprocessFailure(description: "the map did not finish: \(child.standardError)")
    }
    let records = Self.records(in: spool)
    var counts: [String: Int] = [:]
    var ends: [String] = []
    for record in records {
      if record["type"]?.stringValue == "map-end", record["map"]?["map_id"]?.stringValue == mapID {
        ends.append(record["map"]?["state"]?.stringValue ?? "?")
      }
      guard record["type"]?.stringValue == "acquisition", let map = record["map"],
        map["map_id"]?.stringValue == mapID
      else { continue }
      let key =
        "\(record["instrument"]?["kind"]?.stringValue ?? "?") \(map["grid_index"]?.doubleValue ?? -1) \(map["repeat"]?.doubleValue ?? -1)"
      counts[key, default: 0] += 1
    }
    let spooled = counts.values.reduce(0, +)
    return Outcome(
      seed: seed, killedAt: killedAt, slots: slots, spooled: spooled,
      duplicated: counts.values.reduce(0) { $0 + max(0, $1 - 1) },
      missing: slots - counts.count, endStates: ends, log: child.standardError)
  }

  /// Every record in the spool's files (`new/` and `tmp/`), parsed; torn lines skipped.
  public static func records(in spool: String) -> [JSONValue] {
    lines(in: spool).compactMap { try? JSONParser.parse(Array($0.utf8)) }
  }

  private static func lines(in spool: String) -> [Substring] {
    var lines: [Substring] = []
    for directory in [spool + "/new", spool + "/tmp"] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names.sorted() {
        guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        else { continue }
        lines += text.split(separator: "\n")
      }
    }
    return lines
  }

  static func mapAcquisitions(in spool: String) -> Int {
    lines(in: spool).filter { $0.contains(#""type":"acquisition""#) && $0.contains(#""map":{"#) }
      .count
  }

  static func mapEnds(in spool: String) -> Int {
    lines(in: spool).filter { $0.contains(#""type":"map-end""#) }.count
  }
}

/// SplitMix64: kill points reproducible from the printed seed.
struct SplitMix {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
