import InstrumentFamilies
import Testing
import WhitlockConfiguration

@Suite struct ConfigurationLoaderTests {
  private let minimalInstrument = """
    [[instrument]]
    id = "raman-1"
    kind = "raman"
    driver = "simulated"
    """

  private func error(_ text: String) -> ConfigurationError? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "test.toml")
      return nil
    } catch { return error }
  }

  @Test func embeddedDefaultDescribesTwoSimulatedInstruments() throws {
    let configuration = try ConfigurationLoader.embeddedDefault()
    #expect(configuration.instruments.map(\.id) == ["raman-sim", "xrf-sim"])
    #expect(configuration.instruments.map(\.kind) == [.raman, .xrf])
    #expect(configuration.spool.path == "./spool")
    #expect(configuration.detection.xrf.relativeSensitivityFactor == 0.07)
  }

  @Test func defaultsApplyWhenKeysAreAbsent() throws {
    let configuration = try ConfigurationLoader.parse(minimalInstrument, source: "test.toml")
    let instrument = try #require(configuration.instruments.first)
    #expect(instrument.exposureSeconds == 1)
    #expect(instrument.line == 1)
    #expect(configuration.spool.limits.maxAgeSeconds == 5)
    #expect(configuration.detection.raman.hap.centre == 961)
    #expect(configuration.detection.raman.phases.offsetTolerance == 8)
    #expect(configuration.detection.raman.phases.calibratedOffsetMargin == 3)
    #expect(configuration.detection.raman.phases.calibratedLineResidualFactor == 2)
    #expect(configuration.detection.xrf.relativeSensitivityFactor == nil)
  }

  @Test func theCalibratedToleranceIsConfigurable() throws {
    let configuration = try ConfigurationLoader.parse(
      "[detection.raman.phases]\ncalibrated_offset_margin_cm1 = 2.5\n"
        + "calibrated_line_residual_factor = 3\n" + minimalInstrument, source: "test.toml")
    let phases = configuration.detection.raman.phases
    #expect(phases.calibratedOffsetMargin == 2.5)
    #expect(phases.calibratedLineResidualFactor == 3)
  }

  @Test(arguments: [
    (
      "[spool]\nsegment_max_age = 3\n", 2, "spool.segment_max_age",
      "unknown key (did you mean \"segment_max_age_s\"?)"
    ),
    (
      "[spool]\nsegment_max_records = \"many\"\n", 2, "spool.segment_max_records",
      "expected an integer, got string"
    ),
    ("[spool]\nsegment_max_age_s = -1\n", 2, "spool.segment_max_age_s", "is outside"),
    ("[daemon]\nlog_level = \"loud\"\n", 2, "daemon.log_level", "\"loud\" is not one of"),
    (
      "[detection.raman]\nprocessing_min_cm1 = 1000\nprocessing_max_cm1 = 930\n", 3,
      "detection.raman.processing_max_cm1", "must be at least"
    ),
    (
      "[detection.raman.bands.hap]\ncentre_min_cm1 = 950\ncentre_max_cm1 = 940\n", 3,
      "detection.raman.bands.hap.centre_max_cm1", "must be above centre_min_cm1"
    ),
    (
      "[detection.raman.bands.hpo4]\ncentre_cm1 = 990\n", 2,
      "detection.raman.bands.hpo4.centre_cm1", "is outside centre_min_cm1"
    ),
    (
      "[detection.raman.bands.happ]\ncentre_cm1 = 961\n", 1, "detection.raman.bands.happ",
      "unknown key (did you mean \"hap\"?)"
    ),
    (
      "[detection.raman.phases]\noffset_tolerance_cm1 = 80\n", 2,
      "detection.raman.phases.offset_tolerance_cm1", "is outside"
    ),
  ])
  func errorsNameFileLineAndKey(text: String, line: Int, key: String, message: String) throws {
    let failure = try #require(error(text + minimalInstrument))
    #expect(failure.file == "test.toml")
    #expect(failure.line == line)
    #expect(failure.key == key)
    #expect(failure.message.contains(message), "\(failure)")
    #expect(failure.description.hasPrefix("test.toml:\(line): \(key): "))
  }

  @Test func instrumentErrorsPointIntoTheRightTable() throws {
    let text =
      minimalInstrument + """

        [[instrument]]
        id = "xrf-1"
        kind = "xrf"
        driver = "simulated"
        exposure_s = "ten"
        """
    let failure = try #require(error(text))
    #expect(failure.line == 9)
    #expect(failure.key == "instrument[1].exposure_s")
    #expect(failure.message == "expected a number, got string")
  }

  @Test func duplicateAndMalformedIdsAreRefused() throws {
    let duplicate = try #require(error(minimalInstrument + "\n" + minimalInstrument))
    #expect(duplicate.key == "instrument[1].id")
    #expect(duplicate.message.contains("already used by the instrument on line 1"))
    let path = try #require(
      error(minimalInstrument.replacingOccurrences(of: "raman-1", with: "../etc")))
    #expect(path.key == "instrument[0].id")
  }

  @Test func noInstrumentIsAcceptedWithAdviceNamingTheFile() throws {
    let none = try ConfigurationLoader.parse("[spool]\npath = \"/tmp/x\"\n", source: "/etc/w.toml")
    #expect(none.instruments.isEmpty)
    let advice = try #require(none.noInstrumentAdvice)
    #expect(advice.hasPrefix("no instrument configured: add an [[instrument]] to /etc/w.toml"))
    #expect(try ConfigurationLoader.parse(minimalInstrument, source: "t").noInstrumentAdvice == nil)
  }

  @Test func serviceRefusesSimulatedInstrumentsWithoutTheExplicitKey() throws {
    let simulated = try ConfigurationLoader.parse(minimalInstrument, source: "test.toml")
    #expect(simulated.simulatedInstrumentIDs == ["raman-1"])
    let refusal = try #require(throws: ConfigurationError.self) { try simulated.checkServiceUse() }
    #expect(refusal.key == "daemon.allow_simulated")
    #expect(refusal.line == 1)
    #expect(refusal.message.contains("raman-1"))
    let allowed = try ConfigurationLoader.parse(
      "[daemon]\nallow_simulated = true\n" + minimalInstrument, source: "test.toml")
    try allowed.checkServiceUse()
    let none = try ConfigurationLoader.parse("", source: "test.toml")
    try none.checkServiceUse()
  }

  @Test func syntaxErrorsAreExplained() throws {
    let syntax = try #require(error("[spool\npath = 1\n"))
    #expect(syntax.line == 1)
    #expect(syntax.message.hasPrefix("TOML syntax:"))
    let unknownKind = try #require(
      error(minimalInstrument.replacingOccurrences(of: "\"raman\"", with: "\"uv\"")))
    #expect(unknownKind.line == 3)
    #expect(unknownKind.message.contains("\"uv\" is not one of \"raman\", \"xrf\""))
  }

  @Test func unreadableFilesAreReportedByPath() throws {
    #expect(throws: ConfigurationError.self) {
      _ = try ConfigurationLoader.load(path: "/nonexistent/whitlockd.toml")
    }
  }
}
