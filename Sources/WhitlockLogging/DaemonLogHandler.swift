import Foundation
import Logging
import Synchronization
import WhitlockCore

/// Writes log lines to standard error in the form that suits where they end up.
///
/// Under systemd (`JOURNAL_STREAM` set) each line starts with a `<N>` syslog priority and carries no
/// timestamp, since journald adds its own. On a terminal lines are timestamped and the level is
/// coloured. Otherwise (a pipe or a file) lines are plain text with a UTC timestamp.
///
/// It lives in its own small target (`WhitlockLogging`) because `whitlockd` and `whitlockctl ship`
/// both log through it, and the CLI must not link the daemon for one log handler.
public struct DaemonLogHandler: LogHandler {
  /// How lines are decorated.
  public enum Style: Sendable {
    case journal, terminal, plain

    /// The style for the current standard error.
    public static var detected: Style {
      if ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil { return .journal }
      return isatty(STDERR_FILENO) == 1 ? .terminal : .plain
    }
  }

  private static let output = Mutex(())

  /// Metadata added to every line (swift-log's `LogHandler` requirement).
  public var metadata: Logger.Metadata = [:]
  /// Lines below this level are dropped.
  public var logLevel: Logger.Level
  private let label: String
  private let style: Style

  /// A handler that writes `label`'s lines at `level` and above to standard error in `style`.
  public init(label: String, level: Logger.Level, style: Style = .detected) {
    self.label = label
    self.logLevel = level
    self.style = style
  }

  /// One metadata value (swift-log's `LogHandler` requirement).
  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// Writes one event as one line, under a lock so lines from concurrent tasks never interleave.
  public func log(event: LogEvent) {
    var merged = metadata
    if let explicit = event.metadata { merged.merge(explicit) { $1 } }
    if let error = event.error { merged["error"] = "\(error)" }
    let text = line(level: event.level, message: "\(event.message)", metadata: merged)
    Self.output.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
  }

  /// One log line, newline included. Message and values are written with their control
  /// characters escaped (`\n`, `\u{1B}`, …): a USB string, a file name or a device reply that
  /// holds a line break cannot start a forged line, and an escape sequence cannot rewrite the
  /// operator's terminal.
  public func line(
    level: Logger.Level, message: String, metadata: Logger.Metadata,
    time: @autoclosure () -> String = UTCTimestamp.string(from: Date())
  ) -> String {
    let fields = metadata.sorted { $0.key < $1.key }.map {
      "\(LogText.escaped($0.key))=\(LogText.escaped("\($0.value)"))"
    }
    let message = LogText.escaped(message)
    let body = fields.isEmpty ? message : message + " " + fields.joined(separator: " ")
    switch style {
    case .journal:
      return "<\(Self.syslogPriority(level))>\(label): \(body)\n"
    case .terminal:
      return
        "\(time()) \(Self.colour(level))\(level.rawValue.uppercased())\u{1B}[0m \(label): \(body)\n"
    case .plain:
      return "\(time()) \(level.rawValue.uppercased()) \(label): \(body)\n"
    }
  }

  private static func syslogPriority(_ level: Logger.Level) -> Int {
    switch level {
    case .trace, .debug: return 7
    case .info: return 6
    case .notice: return 5
    case .warning: return 4
    case .error: return 3
    case .critical: return 2
    }
  }

  private static func colour(_ level: Logger.Level) -> String {
    switch level {
    case .trace, .debug: return "\u{1B}[2m"
    case .info, .notice: return "\u{1B}[32m"
    case .warning: return "\u{1B}[33m"
    case .error, .critical: return "\u{1B}[31m"
    }
  }
}

extension UTCTimestamp {
  static var now: String { string(from: Date()) }
}
