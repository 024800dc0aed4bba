import WhitlockCore

/// `whitlockctl status` as text: run, instruments, spool, live clients.
public enum StatusRendering {
  public static func render(_ status: JSONValue) -> String {
    var lines: [String] = []
    let ready = status["daemon"]?["ready"] == .bool(true)
    let uptime = Int(status["daemon"]?["uptime_s"]?.doubleValue ?? 0)
    lines.append("whitlockd: \(ready ? "ready" : "NOT READY"), up \(uptime) s")
    if let run = status["run"] {
      let sample = run["sample_id"]?.stringValue ?? "(automatic run)"
      var line = "run \(run["run_id"]?.stringValue ?? "?"): sample \(sample)"
      if let point = run["point_id"]?.stringValue { line += ", point \(point)" }
      if let who = run["operator"]?.stringValue { line += ", operator \(who)" }
      line += ", since \(run["started"]?.stringValue ?? "?")"
      lines.append(line)
    }
    var table = TextTable(
      headers: ["INSTRUMENT", "KIND", "STATE", "ACQUISITIONS", "ERRORS", "DROPPED", "LAST"])
    if case .array(let instruments)? = status["instruments"] {
      for instrument in instruments {
        table.rows.append([
          instrument["id"]?.stringValue ?? "?", instrument["kind"]?.stringValue ?? "?",
          instrument["state"]?.stringValue ?? "?", number(instrument["acquisitions"]),
          number(instrument["errors"]), number(instrument["dropped"]),
          instrument["last_acquisition"]?.stringValue ?? "-",
        ])
      }
    }
    lines.append(table.render())
    if let spool = status["spool"] {
      var line = "spool \(spool["path"]?.stringValue ?? "?"): \(spool["state"]?.stringValue ?? "?")"
      line += ", \(number(spool["records_written"])) records"
      line += ", \(number(spool["segments_published"])) segments"
      line += ", backlog \(number(spool["backlog"])), refused \(number(spool["refused"]))"
      if let error = spool["error"]?.stringValue { line += " (\(error))" }
      lines.append(line)
    }
    if let ship = status["ship"] {
      var line =
        "ship to \(ship["database"]?.stringValue ?? "?"): \(ship["state"]?.stringValue ?? "?")"
      line += ", \(number(ship["records_shipped"])) records shipped"
      line += ", backlog \(number(ship["backlog_segments"])) segments"
      line += " (\(number(ship["backlog_bytes"])) bytes)"
      let quarantined = number(ship["segments_quarantined"])
      if quarantined != "0" { line += ", \(quarantined) quarantined" }
      if let error = ship["last_error"]?.stringValue { line += " (\(error))" }
      lines.append(line)
    }
    if let live = status["live"] {
      lines.append(
        "live clients \(number(live["clients"])), dropped \(number(live["clients_dropped"])), "
          + "events \(number(live["events_published"]))")
    }
    return lines.joined(separator: "\n")
  }

  private static func number(_ value: JSONValue?) -> String {
    guard let number = value?.doubleValue else { return "-" }
    return String(Int64(number))
  }
}
