import WhitlockCore

/// The validated settings of one instrument's driver, and what follows from them: the device it
/// needs, how its configuration is recorded and the instrument that drives it.
///
/// Each family defines its own settings type in its folder; the daemon, `doctor` and the
/// hotplug router ask these questions instead of switching on driver names.
public protocol InstrumentDriverSettings: Sendable {
  /// Whether the spectra are simulated (a simulated instrument or an in-process device
  /// emulation): such records carry a `simulation` member and need `allow_simulated` under the
  /// service.
  var producesSimulatedSpectra: Bool { get }
  /// The physical device the instrument needs, for `doctor` and hotplug routing.
  var deviceRequirement: DeviceRequirement { get }
  /// The `device` member of the run-start record's configuration, or `nil` for none.
  var deviceRecord: JSONValue? { get }
  /// Further members of that configuration, written after `simulation`.
  var extraRecordMembers: [(String, JSONValue)] { get }
  /// The instrument that drives the device (or its emulation).
  func makeInstrument(_ instrument: InstrumentConfiguration, context: InstrumentContext)
    -> any Instrument
}

extension InstrumentDriverSettings {
  public var extraRecordMembers: [(String, JSONValue)] { [] }
}

/// Where an instrument may keep what must outlive the process.
public struct InstrumentContext: Sendable {
  /// Holds small per-instrument state files (the spool root).
  public var stateDirectory: String
  /// The position of the stage over the simulated specimen, when a simulated stage moves it:
  /// simulated instruments then measure what lies there (`[stage] driver = "simulated"`).
  public var stagePosition: (@Sendable () -> StagePosition)? = nil

  /// A context over `stateDirectory`.
  public init(stateDirectory: String) { self.stateDirectory = stateDirectory }
}

/// An instrument that cannot be opened, with the reason; the session logs it and keeps retrying.
public struct UnavailableInstrument: Instrument {
  public let configuredID: String
  public let reason: String
  public let kind: InstrumentKind

  /// An instrument that always fails to open with `reason`.
  public init(configuredID: String, reason: String, kind: InstrumentKind = .raman) {
    self.configuredID = configuredID
    self.reason = reason
    self.kind = kind
  }

  public func open() async throws -> InstrumentIdentity {
    throw InstrumentError(.configuration, "\(configuredID): \(reason)")
  }

  public func acquire() async throws -> Acquisition {
    throw InstrumentError(.configuration, "\(configuredID): \(reason)")
  }

  public func close() async {}
}
