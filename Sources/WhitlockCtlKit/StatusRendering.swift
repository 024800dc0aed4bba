import Records
import TextTables
import WhitlockCore

/// `whitlockctl status` as text: run, instruments, spool, live clients.
public enum StatusRendering {
  /// The status document as text, or why it cannot be read.
  public static func render(_ status: JSONValue) -> String {
    do throws(RecordDecodingError) {
      return render(try DaemonStatus(status))
    } catch {
      return "whitlockd: the status document cannot be read (\(error.member): \(error.problem))"
    }
  }

  public static func render(_ status: DaemonStatus) -> String {
    var lines: [String] = []
    let ready = status.daemon.ready
    lines.append(
      "whitlockd: \(ready ? "ready" : "NOT READY"), up \(Int(status.daemon.uptimeSeconds)) s")
    if let reason = status.daemon.notReadyReason { lines.append("not ready: \(reason)") }
    let run = status.run
    var line = "run \(run.runID): sample \(run.sampleID ?? "(automatic run)")"
    if let point = run.pointID { line += ", point \(point)" }
    if let who = run.operatorName { line += ", operator \(who)" }
    line += ", since \(run.started)"
    lines.append(line)
    var table = TextTable(
      headers: ["INSTRUMENT", "KIND", "STATE", "ACQUISITIONS", "ERRORS", "DROPPED", "LAST"])
    for instrument in status.instruments {
      table.rows.append([
        instrument.id, instrument.kind, instrument.state, String(instrument.acquisitions),
        String(instrument.errors), String(instrument.dropped), instrument.lastAcquisition ?? "-",
      ])
    }
    lines.append(table.render())
    let spool = status.spool
    var spoolLine = "spool \(spool.path): \(spool.state)"
    spoolLine += ", \(spool.recordsWritten) records"
    spoolLine += ", \(spool.segmentsPublished) segments"
    spoolLine += ", backlog \(spool.backlog), refused \(spool.refused)"
    if spool.segmentsAbandoned > 0 { spoolLine += ", \(spool.segmentsAbandoned) rewritten" }
    if let error = spool.error { spoolLine += " (\(error))" }
    lines.append(spoolLine)
    if let ship = status.ship {
      var shipLine = "ship to \(ship.database): \(ship.state)"
      shipLine += ", \(ship.recordsShipped) records shipped"
      shipLine += ", backlog \(ship.backlogSegments) segments"
      shipLine += " (\(ship.backlogBytes) bytes)"
      if ship.segmentsQuarantined != 0 { shipLine += ", \(ship.segmentsQuarantined) quarantined" }
      if ship.recordsQuarantined != 0 {
        shipLine += ", \(ship.recordsQuarantined) records quarantined"
      }
      if let error = ship.lastError { shipLine += " (\(error))" }
      lines.append(shipLine)
      if let warning = ship.tlsWarning { lines.append("ship WARNING: \(warning)") }
    }
    let live = status.live
    lines.append(
      "live clients \(live.clients), dropped \(live.clientsDropped), "
        + "events \(live.eventsPublished)")
    return lines.joined(separator: "\n")
  }
}
