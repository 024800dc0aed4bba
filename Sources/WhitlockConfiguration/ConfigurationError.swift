/// A configuration problem, located by file, line and key so it can be fixed without guessing.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The file (or `<embedded default>`).
  public var file: String
  /// 1-based line, 0 when the problem is not tied to a line.
  public var line: Int
  /// The dotted key path, e.g. `instrument[1].exposure_s`.
  public var key: String
  /// What is wrong and, where it helps, what is expected instead.
  public var message: String

  /// A problem at `file`:`line` with `key`; `line` 0 and `key` "" when either does not apply.
  public init(file: String, line: Int, key: String, message: String) {
    self.file = file
    self.line = line
    self.key = key
    self.message = message
  }

  /// `FILE:LINE: KEY: MESSAGE`, the form the daemon, `--check-config` and `whitlockctl` print.
  public var description: String {
    let location = line > 0 ? "\(file):\(line)" : file
    return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
  }
}
