import ArgumentParser
import Foundation
import Records
import Spool
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl export`: write spooled spectra in instrument vendors' and facilities' formats.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write spooled spectra as Amptek .mca files or as one NeXus/HDF5 file.",
    discussion: """
      RECORD-SELECTOR is SPOOL (every record), SPOOL:SEQ or SPOOL:FIRST-LAST, where SEQ is the
      record's spool sequence number.

      --format mca (default): XRF acquisitions as INSTRUMENT-seqSEQ.mca files in the -o
      directory (or - for standard output); a record whose instrument id is not a valid id is
      reported and not exported (exit status 1).

      --format nexus: one NeXus file (-o FILE.nxs) with an NXentry per run: metadata, an
      NXinstrument per instrument, the raw spectra (acquisition x channel) against Raman shift
      or energy, per-acquisition times, exposures and detection results, and the fused point
      verdicts. --run RUN_ID keeps one run. The file is written under a temporary name in the
      same directory and renamed when complete. Unreadable spool lines (a torn last record, bad
      JSON, an acquisition missing a member) are reported with file and line and skipped (the
      file records how many in its root attribute skipped_records); --strict refuses them.
      Progress is shown on a terminal. See docs/nexus-export.md.
      """)

  @Option(help: "Output format: mca or nexus.") var format = "mca"
  @Option(
    name: .shortAndLong,
    help: "mca: directory for the files, or - for standard output. nexus: the .nxs file.")
  var output: String?
  @Option(name: .customLong("run"), help: "nexus: export only this run id.") var runID: String?
  @Flag(help: "nexus: fail on unreadable spool records instead of skipping them.")
  var strict = false
  @Argument(help: "Which records: SPOOL, SPOOL:SEQ or SPOOL:FIRST-LAST.") var selector: String

  func run() throws {
    guard let selection = RecordSelector(selector) else {
      throw ValidationError("\(selector) is not SPOOL, SPOOL:SEQ or SPOOL:FIRST-LAST")
    }
    switch format {
    case "mca": try exportMCA(selection)
    case "nexus": try exportNeXus(selection)
    default: throw ValidationError("--format \(format): use mca or nexus")
    }
  }

  private func exportNeXus(_ selection: RecordSelector) throws {
    guard let output else { throw ValidationError("--format nexus needs -o FILE.nxs") }
    var options = NeXusExport.Options(selection: selection, runID: runID, output: output)
    options.strict = strict
    do {
      let summary = try NeXusExport.run(options) { warning in
        FileHandle.standardError.write(Data("whitlockctl export: \(warning)\n".utf8))
      }
      let rate = summary.seconds > 0 ? Int(Double(summary.spectra) / summary.seconds) : 0
      var line = "\(output): \(summary.runs) run(s), "
      if summary.maps > 0 { line += "\(summary.maps) map(s), " }
      line += "\(summary.spectra) spectra in "
      line += String(format: "%.1f s (%d spectra/s)", summary.seconds, rate)
      if !summary.skipped.isEmpty {
        line += ", \(summary.skipped.count) unreadable line(s) skipped"
      }
      print(line)
    } catch {
      FileHandle.standardError.write(Data("whitlockctl export: \(error.description)\n".utf8))
      throw ExitCode.failure
    }
  }

  private func exportMCA(_ selection: RecordSelector) throws {
    if runID != nil || strict {
      throw ValidationError("--run and --strict apply to --format nexus")
    }
    let output = output ?? "."
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
      else { continue }  // a cheap filter before the full decode; unknown types pass through
      let text: String
      let name: String
      do {
        guard case .acquisition(let record) = try StoredRecord(entry.record) else { continue }
        text = try MCAExport.render(record)
        name = try MCAExport.fileName(for: record)
      } catch {
        let reason =
          (error as? RecordDecodingError).map { "\($0.member): \($0.problem)" } ?? "\(error)"
        FileHandle.standardError.write(Data("seq \(entry.seq): \(reason)\n".utf8))
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
