import PostgresNIO

/// The statements that store one decoded segment, run by `ShipperDatabase` in one transaction.
///
/// Exactly once comes from the keys, not from the shipper's memory: every row is keyed by
/// (spool_id, seq) and inserted with `ON CONFLICT DO NOTHING`, so a segment shipped again (after
/// a crash between commit and move, by hand, or by a second shipper) adds nothing. A record the
/// keys skip is then compared with the row that holds its key (`conflicts`): a different record
/// under the same key (a reused sequence number) is reported, never taken for a copy.
struct SegmentStatements {
  /// The spool's identity, a UUID.
  var spoolID: String
  /// The records these statements store.
  var segment: [ShipRecord]
  /// Inserts of the spool, its runs and its instruments where they are missing, so the records
  /// can reference them. `ON CONFLICT DO NOTHING` takes no lock on a row that exists, so
  /// transactions storing other segments of the spool at the same time do not wait on each other.
  var prelude: [PostgresQuery] = []
  /// Updates of those rows (a run's sample, an instrument's firmware and last_seen, the spool's
  /// last_seq), run last: their row locks are held only from there to the commit. Runs, then
  /// instruments, each sorted by key, then the spool, in every transaction, so two that update
  /// the same rows wait for each other instead of deadlocking.
  var closing: [PostgresQuery] = []
  /// Inserts into `whitlock.records`, each returning the sequence numbers it added.
  var records: [PostgresQuery] = []
  /// Inserts into `whitlock.run_events`, needed only when `records` added rows.
  var details: [PostgresQuery] = []
  /// The segment's acquisitions, all of them, as inserts of `AcquisitionColumns.rowsPerStatement`.
  var acquisitions: [AcquisitionColumns] = []
  /// The same, record by record, for a transaction in which only some of the records were new.
  var acquisitionRecords: [(record: ShipRecord, acquisition: ShipRecord.Acquisition)] = []
  /// Inserts into the tables that reference acquisitions (`xrf_results`, `point_verdicts`).
  var dependents: [PostgresQuery] = []

  init(
    _ segment: [ShipRecord], name: String, spoolID: String, host: String, root: String
  ) {
    self.spoolID = spoolID
    self.segment = segment
    let lastSeq = segment.last?.seq ?? 0
    var spool = PostgresBindings()
    spool.append(spoolID)
    spool.append(host)
    spool.append(root)
    prelude.append(
      PostgresQuery(
        unsafeSQL: """
          INSERT INTO whitlock.spools (spool_id, host, root) VALUES ($1::uuid, $2, $3)
          ON CONFLICT (spool_id) DO NOTHING
          """, binds: spool))
    let (runsPrelude, runsClosing) = Self.runs(segment)
    let (instrumentsPrelude, instrumentsClosing) = Self.instruments(segment, spoolID: spoolID)
    prelude += runsPrelude + instrumentsPrelude
    var update = PostgresBindings()
    update.append(spoolID)
    update.append(host)
    update.append(root)
    update.append(lastSeq)
    closing = runsClosing + instrumentsClosing
    closing.append(
      PostgresQuery(
        unsafeSQL: """
          UPDATE whitlock.spools SET host = $2, root = $3, last_shipped_at = now(),
            last_seq = GREATEST(last_seq, $4)
          WHERE spool_id = $1::uuid
          """, binds: update))
    records = Self.records(segment, name: name, spoolID: spoolID)
    (details, dependents) = Self.details(segment, spoolID: spoolID)
    for record in segment {
      guard case .acquisition(let acquisition) = record.body else { continue }
      acquisitionRecords.append((record, acquisition))
    }
    acquisitions = AcquisitionColumns.statements(acquisitionRecords)
  }

  /// Each run of the segment inserted if missing, and updated with what its run-start or
  /// run-end record says.
  private static func runs(_ segment: [ShipRecord]) -> (
    prelude: [PostgresQuery], closing: [PostgresQuery]
  ) {
    var known: [String: ShipRecord.Run?] = [:]
    for record in segment {
      var run: ShipRecord.Run?
      switch record.body {
      case .runStart(let event), .runEnd(let event): run = event.run
      case .acquisition, .document: run = nil
      }
      if known[record.runID] == nil || run != nil { known[record.runID] = .some(run) }
    }
    let columns = [
      ("run_id", "::uuid"), ("started", "::timestamptz"), ("sample_id", ""), ("operator", ""),
      ("point_id", ""),
    ]
    var insert = BatchInsert(
      "whitlock.runs", columns, tail: "ON CONFLICT (run_id) DO NOTHING")
    var update = BatchInsert(
      "whitlock.runs", columns,
      tail: """
        ON CONFLICT (run_id) DO UPDATE SET
          started = COALESCE(EXCLUDED.started, whitlock.runs.started),
          sample_id = COALESCE(EXCLUDED.sample_id, whitlock.runs.sample_id),
          operator = COALESCE(EXCLUDED.operator, whitlock.runs.operator),
          point_id = COALESCE(EXCLUDED.point_id, whitlock.runs.point_id)
        WHERE (whitlock.runs.started, whitlock.runs.sample_id, whitlock.runs.operator,
            whitlock.runs.point_id) IS DISTINCT FROM (
          COALESCE(EXCLUDED.started, whitlock.runs.started),
          COALESCE(EXCLUDED.sample_id, whitlock.runs.sample_id),
          COALESCE(EXCLUDED.operator, whitlock.runs.operator),
          COALESCE(EXCLUDED.point_id, whitlock.runs.point_id))
        """)
    for runID in known.keys.sorted() {
      let run = known[runID] ?? nil
      func fill(_ binds: inout PostgresBindings) {
        binds.append(runID)
        binds.append(run?.started)
        binds.append(run?.sampleID)
        binds.append(run?.operatorName)
        binds.append(run?.pointID)
      }
      insert.row(fill)
      if run != nil { update.row(fill) }
    }
    return (insert.finish(), update.finish())
  }

  /// Each instrument of the segment inserted if missing, and updated with its identity and the
  /// segment's times.
  private static func instruments(_ segment: [ShipRecord], spoolID: String) -> (
    prelude: [PostgresQuery], closing: [PostgresQuery]
  ) {
    var seen: [String: (ShipRecord.Instrument, first: String, last: String)] = [:]
    for record in segment {
      if let entry = seen[record.instrument.id] {
        seen[record.instrument.id] = (record.instrument, entry.first, record.time)
      } else {
        seen[record.instrument.id] = (record.instrument, record.time, record.time)
      }
    }
    let columns = [
      ("spool_id", "::uuid"), ("instrument_id", ""), ("kind", ""), ("model", ""), ("serial", ""),
      ("family", ""), ("firmware", ""), ("first_seen", "::timestamptz"),
      ("last_seen", "::timestamptz"),
    ]
    var insert = BatchInsert(
      "whitlock.instruments", columns, tail: "ON CONFLICT (spool_id, instrument_id) DO NOTHING")
    var update = BatchInsert(
      "whitlock.instruments", columns,
      tail: """
        ON CONFLICT (spool_id, instrument_id) DO UPDATE SET kind = EXCLUDED.kind,
          model = EXCLUDED.model, serial = EXCLUDED.serial, family = EXCLUDED.family,
          firmware = EXCLUDED.firmware,
          first_seen = LEAST(whitlock.instruments.first_seen, EXCLUDED.first_seen),
          last_seen = GREATEST(whitlock.instruments.last_seen, EXCLUDED.last_seen)
        """)
    for id in seen.keys.sorted() {
      guard let (instrument, first, last) = seen[id] else { continue }
      func fill(_ binds: inout PostgresBindings) {
        binds.append(spoolID)
        binds.append(instrument.id)
        binds.append(instrument.kind)
        binds.append(instrument.model)
        binds.append(instrument.serial)
        binds.append(instrument.family)
        binds.append(instrument.firmware)
        binds.append(first)
        binds.append(last)
      }
      insert.row(fill)
      update.row(fill)
    }
    return (insert.finish(), update.finish())
  }

  /// One insert of every record, its columns as binary arrays: a thousand rows in seven
  /// parameters rather than seven thousand.
  private static func records(_ segment: [ShipRecord], name: String, spoolID: String)
    -> [PostgresQuery]
  {
    var binds = PostgresBindings(capacity: 7)
    binds.append(spoolID)
    binds.append(name)
    for array in keyColumns(segment) { binds.append(array) }
    return [
      PostgresQuery(
        unsafeSQL: """
          INSERT INTO whitlock.records (spool_id, seq, type, run_id, instrument_id, recorded_at,
            segment)
          SELECT $1::uuid, u.seq, u.type, u.run_id::uuid, u.instrument_id,
            u.recorded_at::timestamptz, $2
          FROM (SELECT unnest($3::bigint[]) AS seq, unnest($4::text[]) AS type,
            unnest($5::text[]) AS run_id, unnest($6::text[]) AS instrument_id,
            unnest($7::text[]) AS recorded_at) AS u
          ON CONFLICT (spool_id, seq) DO NOTHING RETURNING seq
          """, binds: binds)
    ]
  }

  /// The columns that identify a record, one array each (seq, type, run id, instrument id,
  /// time), in the order the insert and the conflict check bind them.
  private static func keyColumns(_ records: [ShipRecord]) -> [BinaryArray] {
    var seqs = BinaryArray(of: .int8, reservingCapacity: records.count * 12)
    var types = BinaryArray(of: .text, reservingCapacity: records.count * 15)
    var runs = BinaryArray(of: .text, reservingCapacity: records.count * 40)
    var instruments = BinaryArray(of: .text, reservingCapacity: records.count * 20)
    var times = BinaryArray(of: .text, reservingCapacity: records.count * 28)
    for record in records {
      seqs.append(record.seq)
      types.append(record.typeName)
      runs.append(record.runID)
      instruments.append(record.instrument.id)
      times.append(record.time)
    }
    return [seqs, types, runs, instruments, times]
  }

  /// Of `candidates` (records the insert skipped because their key exists), those whose stored
  /// row is a different record: another type, run, instrument or time under the same
  /// (spool_id, seq). Each row: seq, then the stored run id, time (UTC, in milliseconds as the spool writes it),
  /// type and instrument.
  static func conflicts(_ candidates: [ShipRecord], spoolID: String) -> PostgresQuery {
    var binds = PostgresBindings(capacity: 6)
    binds.append(spoolID)
    for array in keyColumns(candidates) { binds.append(array) }
    return PostgresQuery(
      unsafeSQL: """
        SELECT u.seq, r.run_id::text,
          to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), r.type,
          r.instrument_id
        FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
          AS u(seq, type, run_id, instrument_id, recorded_at)
        JOIN whitlock.records r ON r.spool_id = $1::uuid AND r.seq = u.seq
        WHERE (r.type, r.run_id, r.instrument_id, r.recorded_at) IS DISTINCT FROM
          (u.type, u.run_id::uuid, u.instrument_id, u.recorded_at::timestamptz)
        ORDER BY u.seq
        """, binds: binds)
  }

  private static func details(_ segment: [ShipRecord], spoolID: String) -> (
    events: [PostgresQuery], dependents: [PostgresQuery]
  ) {
    var events = BatchInsert(
      "whitlock.run_events",
      [
        ("spool_id", "::uuid"), ("seq", ""), ("run_id", "::uuid"), ("instrument_id", ""),
        ("event", ""), ("at", "::timestamptz"), ("settings", "::jsonb"), ("summary", "::jsonb"),
        ("reason", ""), ("acquisitions_completed", ""), ("acquisitions_spooled", ""),
        ("acquisitions_interrupted", ""), ("acquisitions_dropped", ""), ("errors", ""),
      ],
      tail: "ON CONFLICT (spool_id, seq) DO NOTHING")
    var xrf = BatchInsert(
      "whitlock.xrf_results",
      [
        ("spool_id", "::uuid"), ("seq", ""), ("mg_ca_ratio", ""), ("mg_ca_ratio_sigma", ""),
        ("mg_net_area", ""), ("mg_net_area_sigma", ""), ("ca_net_area", ""),
        ("ca_net_area_sigma", ""), ("p_net_area", ""), ("p_net_area_sigma", ""),
        ("reduced_chi_square", ""),
      ],
      tail: "ON CONFLICT (spool_id, seq) DO NOTHING")
    var documents = BatchInsert(
      "whitlock.record_documents",
      [("spool_id", "::uuid"), ("seq", ""), ("type", ""), ("document", "::jsonb")],
      tail: "ON CONFLICT (spool_id, seq) DO NOTHING")
    var verdicts = BatchInsert(
      "whitlock.point_verdicts",
      [
        ("spool_id", "::uuid"), ("seq", ""), ("run_id", "::uuid"), ("point_id", ""),
        ("whitlockite", ""), ("raman_call", ""), ("xrf_call", ""), ("whitlockite_fraction", ""),
        ("whitlockite_fraction_sigma", ""), ("mg_ca_ratio", ""), ("mg_ca_ratio_sigma", ""),
        ("rule", ""),
      ],
      tail: "ON CONFLICT (spool_id, seq) DO NOTHING")
    for record in segment {
      switch record.body {
      case .runStart(let event), .runEnd(let event):
        events.row { binds in
          binds.append(spoolID)
          binds.append(record.seq)
          binds.append(record.runID)
          binds.append(record.instrument.id)
          binds.append(record.typeName)
          binds.append(record.time)
          binds.append(event.settings)
          binds.append(event.summary)
          binds.append(event.reason)
          for index in 0..<5 {
            binds.append(index < event.tallies.count ? event.tallies[index] : nil)
          }
        }
      case .document(let type, let text):
        documents.row { binds in
          binds.append(spoolID)
          binds.append(record.seq)
          binds.append(type)
          binds.append(text)
        }
      case .acquisition(let acquisition):
        if let results = acquisition.xrf {
          xrf.row { binds in
            binds.append(spoolID)
            binds.append(record.seq)
            for value in [
              results.mgCaRatio, results.mgCaRatioSigma, results.mgNetArea,
              results.mgNetAreaSigma, results.caNetArea, results.caNetAreaSigma,
              results.pNetArea, results.pNetAreaSigma, results.reducedChiSquare,
            ] {
              binds.append(value)
            }
          }
        }
        if let verdict = acquisition.verdict {
          verdicts.row { binds in
            binds.append(spoolID)
            binds.append(record.seq)
            binds.append(record.runID)
            binds.append(verdict.pointID)
            binds.append(verdict.whitlockite)
            binds.append(verdict.ramanCall)
            binds.append(verdict.xrfCall)
            binds.append(verdict.whitlockiteFraction)
            binds.append(verdict.whitlockiteFractionSigma)
            binds.append(verdict.mgCaRatio)
            binds.append(verdict.mgCaRatioSigma)
            binds.append(verdict.rule)
          }
        }
      }
    }
    // Parents before children: the acquisitions are copied in before the rows that reference them.
    return (events.finish() + documents.finish(), xrf.finish() + verdicts.finish())
  }
}
