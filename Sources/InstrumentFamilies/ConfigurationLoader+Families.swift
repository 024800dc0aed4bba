import WhitlockConfiguration

extension ConfigurationLoader {
  /// Reads and validates the file at `path` with every registered family's drivers.
  public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
    try load(path: path, drivers: InstrumentFamilies.drivers)
  }

  /// The embedded default configuration.
  public static func embeddedDefault() throws(ConfigurationError) -> DaemonConfiguration {
    try embeddedDefault(drivers: InstrumentFamilies.drivers)
  }

  /// Validates TOML `text` with every registered family's drivers; `source` names it in errors.
  public static func parse(_ text: String, source: String) throws(ConfigurationError)
    -> DaemonConfiguration
  {
    try parse(text, source: source, drivers: InstrumentFamilies.drivers)
  }
}
