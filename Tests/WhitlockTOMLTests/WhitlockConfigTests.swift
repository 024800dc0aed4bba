import Testing

@testable import WhitlockTOML

/// Realistic whitlockd configuration files, read the way the configuration layer will read them.
@Suite("whitlockd configuration")
struct WhitlockConfigTests {
  static let example = """
    # whitlockd configuration
    [spool]
    path = "/var/lib/whitlockd/spool"
    segment_max_records = 1_000
    segment_max_age_s = 5.0

    [[instrument]]
    id = "raman-1"
    kind = "raman"
    driver = "simulated"
    [instrument.simulation]
    seed = 42

    [[instrument]]
    id = "xrf-1"
    kind = "xrf"
    """

  static let rich = """
    # whitlockd configuration — every feature a deployment might use
    [monitor]
    bind = "127.0.0.1:8470"   # loopback only
    enabled = true

    [spool]
    path = '/var/lib/whitlockd/spool'
    segment_max_records = 1_000
    segment_max_age_s = 5.0
    fsync = true

    [detector]
    thresholds = [
      0.85,  # Raman score
      0.7,   # XRF Ca/P ratio score
    ]
    bands_cm1 = [ [955, 975], [1080, 1100], ]
    notes = \"\"\"
    Whitlockite: Ca9(Mg,Fe)(PO4)6(PO3OH). \\
    Main band near 970 cm⁻¹.\"\"\"

    [[instrument]]
    id = "raman-1"
    kind = "raman"
    match = { vid = 0x1A86, pid = 0x7523, serial = "RM-0042" }
    integration_time_s = 0.5
    calibration.date = 2026-01-15
    calibration.laser_nm = 785.0
    [instrument.simulation]
    seed = 42

    [[instrument]]
    id = "xrf-1"
    kind = "xrf"
    match.device = "/dev/ttyUSB0"
    integration_time_s = "fast"
    """

  @Test("the example configuration reads as intended")
  func example() throws {
    let document = try TOMLDocument.parse(Self.example, fileName: "/etc/whitlockd/whitlockd.toml")
    let root = document.root
    #expect(root.keys == ["spool", "instrument"])
    #expect(lookup(root, "spool.path")?.stringValue == "/var/lib/whitlockd/spool")
    #expect(lookup(root, "spool.segment_max_records")?.integerValue == 1000)
    #expect(lookup(root, "spool.segment_max_age_s")?.floatValue == 5.0)
    let instruments = lookup(root, "instrument")?.arrayValue ?? []
    #expect(instruments.count == 2)
    #expect(instruments.map(\.line) == [7, 14])
    #expect(lookup(root, "instrument[0].id")?.stringValue == "raman-1")
    #expect(lookup(root, "instrument[0].driver")?.stringValue == "simulated")
    #expect(lookup(root, "instrument[0].simulation.seed")?.integerValue == 42)
    #expect(lookup(root, "instrument[0].simulation")?.tableValue?.line == 11)
    #expect(entry(root, "instrument[0].simulation.seed")?.line == 12)
    #expect(lookup(root, "instrument[1].id")?.stringValue == "xrf-1")
    #expect(lookup(root, "instrument[1].kind")?.stringValue == "xrf")
    #expect(lookup(root, "instrument[1].simulation") == nil)
    #expect(entry(root, "instrument[1].kind")?.line == 16)
  }

  @Test("positions are enough to build the configuration layer's error messages")
  func configurationError() throws {
    let document = try TOMLDocument.parse(Self.rich, fileName: "/etc/whitlockd/whitlockd.toml")
    let instruments = lookup(document.root, "instrument")?.arrayValue ?? []
    var errors: [TOMLError] = []
    for (index, instrument) in instruments.enumerated() {
      guard let found = instrument.tableValue?["integration_time_s"] else { continue }
      if found.value.numberValue == nil {
        errors.append(
          TOMLError(
            fileName: document.fileName, line: found.line, column: found.column,
            message:
              "instrument[\(index)].integration_time_s: expected a number, got a "
              + found.value.typeName))
      }
    }
    #expect(
      errors.map(\.description) == [
        "/etc/whitlockd/whitlockd.toml:36:1: instrument[1].integration_time_s: "
          + "expected a number, got a string"
      ])
  }

  @Test("every feature of the rich configuration is read")
  func rich() throws {
    let root = try TOMLDocument.parse(Self.rich, fileName: "w.toml").root
    #expect(lookup(root, "monitor.bind")?.stringValue == "127.0.0.1:8470")
    #expect(lookup(root, "monitor.enabled")?.boolValue == true)
    #expect(lookup(root, "spool.path")?.stringValue == "/var/lib/whitlockd/spool")
    #expect(lookup(root, "detector.thresholds").map(render) == "[0.85, 0.7]")
    #expect(lookup(root, "detector.bands_cm1").map(render) == "[[955, 975], [1080, 1100]]")
    #expect(
      lookup(root, "detector.notes")?.stringValue
        == "Whitlockite: Ca9(Mg,Fe)(PO4)6(PO3OH). Main band near 970 cm⁻¹.")
    #expect(
      lookup(root, "instrument[0].match").map(render)
        == #"{vid = 6790, pid = 29987, serial = "RM-0042"}"#)
    #expect(lookup(root, "instrument[0].calibration.date")?.datetimeValue == "2026-01-15")
    #expect(lookup(root, "instrument[0].calibration.laser_nm")?.numberValue == 785)
    #expect(lookup(root, "instrument[0].simulation.seed")?.integerValue == 42)
    #expect(lookup(root, "instrument[1].match.device")?.stringValue == "/dev/ttyUSB0")
    #expect(entry(root, "instrument[0].match.serial")?.column == 39)
    #expect(entry(root, "detector.thresholds")?.value.arrayValue?.map(\.line) == [14, 15])
  }

  @Test("a mistake in a real configuration is located")
  func duplicateInstrumentKey() {
    let text = Self.example + "\nkind = \"raman\"\n"
    let error = parseError(text)
    #expect(error?.line == 17)
    #expect(error?.message == "duplicate key 'instrument[1].kind' (first defined at line 16)")
  }
}
