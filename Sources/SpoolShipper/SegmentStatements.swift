import PostgresNIO

/// The statements that store one decoded segment, run by `ShipperDatabase` in one transaction.
///
/// Exactly once comes from the keys, not from the shipper's memory: every row is keyed by
/// (spool_id, seq) and inserted with `ON CONFLICT DO NOTHING`, so a segment shipped again (after
/// a crash between commit and move, by hand, or by a second shipper) adds nothing.
struct SegmentStatements {
  /// Upserts of the spool, its runs and its instruments; the spool's row comes first and is
  /// locked until commit, so two shippers of one spool take turns instead of deadlocking.
  var registration: [PostgresQuery] = []
  /// Inserts into `whitlock.records`, each returning the sequence numbers it added.
  var records: [PostgresQuery] = []
  /// Inserts into `whitlock.run_events`, needed only when `records` added rows.
  var details: [PostgresQuery] = []
  /// Each acquisition as a row of `COPY whitlock.acquisitions` text data, with its seq: only the
  /// rows whose records were new in this transaction are sent, so none can conflict.
  var acquisitionRows: [(seq: Int64, row: CopyTextRow)] = []
  /// Inserts into the tables that reference acquisitions (`xrf_results`, `point_verdicts`).
  var dependents: [PostgresQuery] = []

  /// The columns of `acquisitionRows`, in order.
  static let acquisitionColumns = [
    "spool_id", "seq", "run_id", "instrument_id", "kind", "device_seq", "started", "ended",
    "exposure_s", "full_scale", "saturated_channels", "parameters", "axis_type", "coefficients_nm",
    "excitation_nm", "kev_per_channel", "offset_kev", "channels", "counts", "method", "detection",
    "simulation", "calcification_type", "phosphate_detected", "whitlockite_fraction",
    "whitlockite_fraction_sigma", "carbonate_phosphate_ratio", "carbonate_phosphate_ratio_sigma",
    "crystallinity_fwhm_cm1",
  ]

  init(
    _ segment: [ShipRecord], name: String, spoolID: String, host: String, root: String
  ) {
    let lastSeq = segment.last?.seq ?? 0
    var spool = PostgresBindings()
    spool.append(spoolID)
    spool.append(host)
    spool.append(root)
    spool.append(lastSeq)
    registration.append(
      PostgresQuery(
        unsafeSQL: """
          INSERT INTO whitlock.spools (spool_id, host, root, last_seq) VALUES ($1::uuid, $2, $3, $4)
          ON CONFLICT (spool_id) DO UPDATE SET host = EXCLUDED.host, root = EXCLUDED.root,
            last_shipped_at = now(), last_seq = GREATEST(whitlock.spools.last_seq, EXCLUDED.last_seq)
          """, binds: spool))
    registration += Self.runs(segment)
    registration += Self.instruments(segment, spoolID: spoolID)
    records = Self.records(segment, name: name, spoolID: spoolID)
    (details, dependents) = Self.details(segment, spoolID: spoolID)
    for record in segment {
      guard case .acquisition(let acquisition) = record.body else { continue }
      acquisitionRows.append(
        (record.seq, Self.acquisitionRow(acquisition, of: record, spoolID: spoolID)))
    }
  }

  private static func runs(_ segment: [ShipRecord]) -> [PostgresQuery] {
    var order: [String] = []
    var known: [String: ShipRecord.Run?] = [:]
    for record in segment {
      var run: ShipRecord.Run?
      switch record.body {
      case .runStart(let event), .runEnd(let event): run = event.run
      case .acquisition: run = nil
      }
      if known[record.runID] == nil {
        order.append(record.runID)
        known[record.runID] = .some(run)
      } else if let run {
        known[record.runID] = .some(run)
      }
    }
    var insert = BatchInsert(
      "whitlock.runs",
      [
        ("run_id", "::uuid"), ("started", "::timestamptz"), ("sample_id", ""), ("operator", ""),
        ("point_id", ""),
      ],
      tail: """
        ON CONFLICT (run_id) DO UPDATE SET
          started = COALESCE(EXCLUDED.started, whitlock.runs.started),
          sample_id = COALESCE(EXCLUDED.sample_id, whitlock.runs.sample_id),
          operator = COALESCE(EXCLUDED.operator, whitlock.runs.operator),
          point_id = COALESCE(EXCLUDED.point_id, whitlock.runs.point_id)
        """)
    for runID in order {
      let run = known[runID] ?? nil
      insert.row { binds in
        binds.append(runID)
        binds.append(run?.started)
        binds.append(run?.sampleID)
        binds.append(run?.operatorName)
        binds.append(run?.pointID)
      }
    }
    return insert.finish()
  }

  private static func instruments(_ segment: [ShipRecord], spoolID: String) -> [PostgresQuery] {
    var order: [String] = []
    var seen: [String: (ShipRecord.Instrument, first: String, last: String)] = [:]
    for record in segment {
      if let entry = seen[record.instrument.id] {
        seen[record.instrument.id] = (record.instrument, entry.first, record.time)
      } else {
        order.append(record.instrument.id)
        seen[record.instrument.id] = (record.instrument, record.time, record.time)
      }
    }
    var insert = BatchInsert(
      "whitlock.instruments",
      [
        ("spool_id", "::uuid"), ("instrument_id", ""), ("kind", ""), ("model", ""), ("serial", ""),
        ("family", ""), ("firmware", ""), ("first_seen", "::timestamptz"),
        ("last_seen", "::timestamptz"),
      ],
      tail: """
        ON CONFLICT (spool_id, instrument_id) DO UPDATE SET kind = EXCLUDED.kind,
          model = EXCLUDED.model, serial = EXCLUDED.serial, family = EXCLUDED.family,
          firmware = EXCLUDED.firmware,
          first_seen = LEAST(whitlock.instruments.first_seen, EXCLUDED.first_seen),
          last_seen = GREATEST(whitlock.instruments.last_seen, EXCLUDED.last_seen)
        """)
    for id in order {
      guard let (instrument, first, last) = seen[id] else { continue }
      insert.row { binds in
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
    }
    return insert.finish()
  }

  private static func records(_ segment: [ShipRecord], name: String, spoolID: String)
    -> [PostgresQuery]
  {
    var insert = BatchInsert(
      "whitlock.records",
      [
        ("spool_id", "::uuid"), ("seq", ""), ("type", ""), ("run_id", "::uuid"),
        ("instrument_id", ""), ("recorded_at", "::timestamptz"), ("segment", ""),
      ],
      tail: "ON CONFLICT (spool_id, seq) DO NOTHING RETURNING seq")
    for record in segment {
      insert.row { binds in
        binds.append(spoolID)
        binds.append(record.seq)
        binds.append(record.typeName)
        binds.append(record.runID)
        binds.append(record.instrument.id)
        binds.append(record.time)
        binds.append(name)
      }
    }
    return insert.finish()
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
    return (events.finish(), xrf.finish() + verdicts.finish())
  }

  /// One acquisition in the order of `acquisitionColumns`.
  private static func acquisitionRow(
    _ acquisition: ShipRecord.Acquisition, of record: ShipRecord, spoolID: String
  ) -> CopyTextRow {
    var row = CopyTextRow(
      reservingCapacity: acquisition.counts.count * 7 + acquisition.detection.utf8.count
        + acquisition.parameters.utf8.count + (acquisition.simulation?.utf8.count ?? 0) + 512)
    row.append(spoolID)
    row.append(record.seq)
    row.append(record.runID)
    row.append(record.instrument.id)
    row.append(record.instrument.kind)
    row.append(acquisition.deviceSequence)
    row.append(acquisition.started)
    row.append(acquisition.ended)
    row.append(acquisition.exposureSeconds)
    row.append(acquisition.fullScale)
    row.append(acquisition.saturatedChannels)
    row.append(acquisition.parameters)
    switch acquisition.axis {
    case .wavelengthPolynomial(let coefficients, let excitation):
      row.append("wavelength-polynomial")
      row.append(coefficients)
      row.append(excitation)
      row.appendNull()
      row.appendNull()
    case .linearEnergy(let gain, let offset):
      row.append("linear-energy")
      row.appendNull()
      row.appendNull()
      row.append(gain)
      row.append(offset)
    }
    row.append(Int32(clamping: acquisition.counts.count))
    row.append(acquisition.counts)
    row.append(acquisition.method)
    row.append(acquisition.detection)
    row.append(acquisition.simulation)
    let raman = acquisition.raman
    row.append(raman?.calcificationType)
    row.append(raman?.phosphateDetected)
    row.append(raman?.whitlockiteFraction)
    row.append(raman?.whitlockiteFractionSigma)
    row.append(raman?.carbonatePhosphateRatio)
    row.append(raman?.carbonatePhosphateRatioSigma)
    row.append(raman?.crystallinityFWHM)
    row.finish()
    return row
  }
}
