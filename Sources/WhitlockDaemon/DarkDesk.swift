import Monitor
import Synchronization
import WhitlockCore

/// Which session takes the darks of which instrument, for the control API.
public final class DarkDesk: Sendable {
  private let sessions = Mutex<[String: InstrumentSession]>([:])

  public init() {}

  /// Makes `session` take the darks asked for `instrumentID`.
  public func register(_ session: InstrumentSession, for instrumentID: String) {
    sessions.withLock { $0[instrumentID] = session }
  }

  /// Takes a dark on `instrumentID` and describes it as JSON.
  public func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue {
    guard let session = sessions.withLock({ $0[instrumentID] }) else {
      throw ControlRefusal(notFound: true, "no instrument \(instrumentID) is configured")
    }
    let dark: DarkFrame
    do { dark = try await session.requestDark(beamBlocked: beamBlocked) } catch let refusal
      as DarkRefusal
    {
      throw ControlRefusal(refusal.description)
    }
    let peak = dark.counts.max() ?? 0
    let mean = dark.counts.isEmpty ? 0 : dark.counts.reduce(0, +) / Double(dark.counts.count)
    return .object([
      ("instrument", .string(instrumentID)),
      ("dark_id", .string(dark.id)),
      ("taken", .string(UTCTimestamp.string(from: dark.takenAt))),
      ("exposure_s", .number(dark.settings.exposureSeconds)),
      ("scans_to_average", .int(Int64(dark.settings.scansToAverage))),
      ("gain", .number(dark.gain)),
      ("detector_temperature_c", .number(dark.detectorTemperatureC)),
      ("method", .string(dark.method)),
      ("mean_counts", .number(mean)),
      ("peak_counts", .number(peak)),
    ])
  }
}
