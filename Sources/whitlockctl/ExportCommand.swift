import ArgumentParser
import Foundation
import Spool
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl export`: write spooled spectra in instrument vendors' file formats.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write spooled XRF spectra as Amptek .mca files (DPPMCA, PyMca).",
    discussion: """
      RECORD-SELECTOR is SPOOL (every XRF acquisition), SPOOL:SEQ or SPOOL:FIRST-LAST, where SEQ
      is the record's spool sequence number. Files are named INSTRUMENT-seqSEQ.mca; a record whose
      instrument id is not a valid id is reported and not exported (exit status 1).
      """)

  @Option(help: "Output format; only mca is supported.") var format = "mca"
  @Option(name: .shortAndLong, help: "Directory for the files, or - for standard output.")
  var output = "."
  @Argument(help: "Which records: SPOOL, SPOOL:SEQ or SPOOL:FIRST-LAST.") var selector: String

  func run() throws {
    guard format == "mca" else {
      throw ValidationError("--format \(format): only mca is supported")
    }
    guard let selection = RecordSelector(selector) else {
      throw ValidationError("\(selector) is not SPOOL, SPOOL:SEQ or SPOOL:FIRST-LAST")
    }
    let layout = SpoolLayout(root: selection.spool)
    guard FileManager.default.fileExists(atPath: layout.new) else {
      throw ValidationError("\(selection.spool) is not a whitlockd spool: it has no new/ directory")
    }
    var written = 0
    var refused = 0
    for entry in try SpoolTail.recent(in: layout, count: Int.max)
    where selection.contains(entry.seq) {
      guard entry.record["type"]?.stringValue == "acquisition",
        entry.record["instrument"]?["kind"]?.stringValue == "xrf"
      else { continue }
      let text: String
      let name: String
      do {
        text = try MCAExport.render(entry.record)
        name = try MCAExport.fileName(for: entry.record, seq: entry.seq)
      } catch {
        FileHandle.standardError.write(Data("seq \(entry.seq): \(error)\n".utf8))
        refused += 1
        continue
      }
      if output == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
      } else {
        let path = output + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print(path)
      }
      written += 1
    }
    if written == 0 && refused == 0 {
      throw ValidationError("no XRF acquisition matches \(selector)")
    }
    if refused > 0 {
      FileHandle.standardError.write(
        Data("whitlockctl export: \(refused) records not exported (see above)\n".utf8))
      throw ExitCode.failure
    }
  }
}
