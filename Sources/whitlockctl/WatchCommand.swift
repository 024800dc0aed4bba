import ArgumentParser
import Foundation
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl watch`: a live terminal view of the daemon from its event stream.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Live view: spectrum sparklines, latest verdicts and rates per instrument",
    discussion: """
      Follows GET /api/v1/events and redraws at most four times a second. On a terminal the \
      screen is cleared before each redraw; in a pipe each frame is printed after a blank line. \
      Reconnects with Last-Event-ID when the stream drops.
      """)

  @OptionGroup var options: MonitorOptions

  @Option(name: .long, help: "Exit after this many acquisition events (default: run until Ctrl-C).")
  var count: Int?

  @Option(name: .long, help: "Width of the spectrum sparklines.")
  var width = 80

  func run() throws {
    let client = try options.client()
    let interactive = isatty(STDOUT_FILENO) == 1
    var view = LiveView()
    var lastID: UInt64?
    var lastDraw = 0.0
    var failures = 0
    while true {
      do {
        try client.streamEvents(lastEventID: lastID) { event in
          failures = 0
          if let id = event.id.flatMap({ UInt64($0) }) { lastID = id }
          let now = Date().timeIntervalSince1970
          view.apply(event, now: now)
          let done = count.map { view.acquisitions >= $0 } ?? false
          if done || now - lastDraw >= 0.25 {
            lastDraw = now
            draw(
              LogText.forTerminal(view.render(width: width, now: now)), interactive: interactive)
          }
          return !done
        }
      } catch {
        failures += 1
        if failures > 3 { throw fail("\(error)") }
      }
      if let count, view.acquisitions >= count { return }
      Thread.sleep(forTimeInterval: 1)  // blocking-ok: a one-shot tool's only task
    }
  }

  private func draw(_ screen: String, interactive: Bool) {
    let frame = (interactive ? "\u{1B}[H\u{1B}[2J" + screen : "\n" + screen) + "\n"
    FileHandle.standardOutput.write(Data(frame.utf8))
  }
}
