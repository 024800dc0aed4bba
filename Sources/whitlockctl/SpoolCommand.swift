import ArgumentParser
import Foundation
import Spool
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl spool …`: inspect and check a spool directory.
struct SpoolCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "spool", abstract: "Inspect and verify a spool directory.",
    subcommands: [Verify.self, Tail.self, Schema.self])

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check every segment in new/ and cur/ against the spool contract.",
      discussion: """
        Parses every record, validates it against the record schema, checks that no seq repeats,
        and lists leftovers in tmp/ and quarantined bytes. Exit status 0 only when clean.
        """)

    @Argument(help: "The spool directory.") var directory: String
    @Flag(name: .long, help: "Print the report as JSON.") var json = false

    func run() throws {
      let report: SpoolVerificationReport
      do { report = try SpoolVerifier.verify(SpoolLayout(root: directory)) } catch {
        throw ValidationError("\(error)")
      }
      if json {
        print(VerificationReportRendering.json(report))
      } else {
        print(LogText.forTerminal(VerificationReportRendering.text(report, directory: directory)))
      }
      if !report.isClean { throw ExitCode.failure }
    }
  }

  struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the most recent results, one line each.")

    @Argument(help: "The spool directory.") var directory: String
    @Option(name: [.customShort("n"), .long], help: "How many records to show.") var count = 20
    @Flag(name: .shortAndLong, help: "Keep printing new records as they arrive.") var follow = false

    func run() throws {
      let layout = SpoolLayout(root: directory)
      guard FileManager.default.fileExists(atPath: layout.new) else {
        throw ValidationError("\(directory) is not a whitlockd spool: it has no new/ directory")
      }
      var position = SpoolTail.Position()
      repeat {
        for entry in try SpoolTail.recent(in: layout, count: count, after: position) {
          // One line per record, whatever its strings hold.
          print(LogText.escaped(SpoolTail.describe(entry.record, published: entry.published)))
          position.lastSequence = entry.seq
        }
        if follow {
          fflush(nil)
          Thread.sleep(forTimeInterval: 0.5)  // blocking-ok: a one-shot tool's only task
        }
      } while follow
    }
  }

  struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the JSON Schema every spool record follows.")

    func run() { print(RecordSchema.json, terminator: "") }
  }
}
