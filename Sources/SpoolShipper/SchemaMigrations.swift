/// The database schema, as numbered migrations that the shipper applies in order.
///
/// Everything lives in the `whitlock` schema. `whitlock.schema_migrations` records which
/// versions are applied; a migration, once released, never changes: later changes are new
/// migrations. Each statement is a separate string because the extended query protocol takes
/// one statement at a time.
public enum SchemaMigrations {
  /// One migration: its version, a name for `schema_migrations`, and its statements.
  public struct Migration: Sendable {
    public var version: Int32
    public var name: String
    public var statements: [String]
  }

  /// The statements that make the bookkeeping table, run before any migration.
  public static let bootstrap = [
    "CREATE SCHEMA IF NOT EXISTS whitlock",
    """
    CREATE TABLE IF NOT EXISTS whitlock.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())
    """,
  ]

  /// Every migration, in version order.
  public static let all: [Migration] = [
    initialSchema, queryIndexes, compactAcquisitions, detectionDetail, documentsAndMaps,
    calibrationRecords,
  ]

  /// The highest version this build knows.
  public static var latestVersion: Int32 { all.last?.version ?? 0 }

  static let initialSchema = Migration(
    version: 1,
    name: "spools, instruments, runs, records, acquisitions, xrf_results, point_verdicts",
    statements: [
      """
      CREATE TABLE whitlock.spools (
        spool_id uuid PRIMARY KEY,
        host text NOT NULL,
        root text NOT NULL,
        first_shipped_at timestamptz NOT NULL DEFAULT now(),
        last_shipped_at timestamptz NOT NULL DEFAULT now(),
        last_seq bigint NOT NULL DEFAULT 0)
      """,
      """
      CREATE TABLE whitlock.instruments (
        spool_id uuid NOT NULL REFERENCES whitlock.spools,
        instrument_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('raman', 'xrf')),
        model text NOT NULL,
        serial text NOT NULL,
        family text NOT NULL,
        firmware text,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        PRIMARY KEY (spool_id, instrument_id))
      """,
      """
      CREATE TABLE whitlock.runs (
        run_id uuid PRIMARY KEY,
        started timestamptz,
        sample_id text,
        operator text,
        point_id text)
      """,
      """
      CREATE TABLE whitlock.records (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL CHECK (seq > 0),
        type text NOT NULL CHECK (type IN ('run-start', 'acquisition', 'run-end')),
        run_id uuid NOT NULL REFERENCES whitlock.runs,
        instrument_id text NOT NULL,
        recorded_at timestamptz NOT NULL,
        segment text NOT NULL,
        shipped_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, instrument_id) REFERENCES whitlock.instruments)
      """,
      """
      CREATE TABLE whitlock.run_events (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL,
        run_id uuid NOT NULL,
        instrument_id text NOT NULL,
        event text NOT NULL CHECK (event IN ('run-start', 'run-end')),
        at timestamptz NOT NULL,
        settings jsonb,
        summary jsonb,
        reason text,
        acquisitions_completed bigint,
        acquisitions_spooled bigint,
        acquisitions_interrupted bigint,
        acquisitions_dropped bigint,
        errors bigint,
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, seq) REFERENCES whitlock.records ON DELETE CASCADE)
      """,
      """
      CREATE TABLE whitlock.acquisitions (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL,
        run_id uuid NOT NULL,
        instrument_id text NOT NULL,
        kind text NOT NULL,
        device_seq bigint NOT NULL,
        started timestamptz NOT NULL,
        ended timestamptz NOT NULL,
        exposure_s double precision NOT NULL,
        full_scale integer NOT NULL,
        saturated_channels integer NOT NULL,
        parameters jsonb NOT NULL,
        axis_type text NOT NULL,
        coefficients_nm double precision[],
        excitation_nm double precision,
        kev_per_channel double precision,
        offset_kev double precision,
        channels integer NOT NULL,
        counts integer[] NOT NULL,
        method text NOT NULL,
        detection jsonb NOT NULL,
        simulation jsonb,
        calcification_type text,
        phosphate_detected boolean,
        whitlockite_fraction double precision,
        whitlockite_fraction_sigma double precision,
        carbonate_phosphate_ratio double precision,
        carbonate_phosphate_ratio_sigma double precision,
        crystallinity_fwhm_cm1 double precision,
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, seq) REFERENCES whitlock.records ON DELETE CASCADE)
      """,
      """
      CREATE TABLE whitlock.xrf_results (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL,
        mg_ca_ratio double precision,
        mg_ca_ratio_sigma double precision,
        mg_net_area double precision,
        mg_net_area_sigma double precision,
        ca_net_area double precision,
        ca_net_area_sigma double precision,
        p_net_area double precision,
        p_net_area_sigma double precision,
        reduced_chi_square double precision,
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, seq) REFERENCES whitlock.acquisitions ON DELETE CASCADE)
      """,
      """
      CREATE TABLE whitlock.point_verdicts (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL,
        run_id uuid NOT NULL,
        point_id text NOT NULL,
        whitlockite text NOT NULL,
        raman_call text,
        xrf_call text,
        whitlockite_fraction double precision,
        whitlockite_fraction_sigma double precision,
        mg_ca_ratio double precision,
        mg_ca_ratio_sigma double precision,
        rule text,
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, seq) REFERENCES whitlock.acquisitions ON DELETE CASCADE)
      """,
    ])

  static let queryIndexes = Migration(
    version: 2,
    name: "indexes for per-sample and per-run queries; large columns compressed with lz4",
    statements: [
      // lz4 compresses counts (16-bit values in 32-bit integers) and the JSON members several
      // times faster than the default pglz; smaller counts also take fewer TOAST chunks.
      "ALTER TABLE whitlock.acquisitions ALTER COLUMN counts SET COMPRESSION lz4",
      "ALTER TABLE whitlock.acquisitions ALTER COLUMN detection SET COMPRESSION lz4",
      "ALTER TABLE whitlock.acquisitions ALTER COLUMN parameters SET COMPRESSION lz4",
      "ALTER TABLE whitlock.acquisitions ALTER COLUMN simulation SET COMPRESSION lz4",
      "ALTER TABLE whitlock.run_events ALTER COLUMN settings SET COMPRESSION lz4",
      "CREATE INDEX runs_sample_id ON whitlock.runs (sample_id)",
      "CREATE INDEX records_run_id ON whitlock.records (run_id)",
      "CREATE INDEX acquisitions_run_id ON whitlock.acquisitions (run_id)",
      "CREATE INDEX point_verdicts_run_point ON whitlock.point_verdicts (run_id, point_id)",
    ])

  /// Digest of a detector-parameters object, as `whitlock.detection_parameters` keys it.
  static let parametersDigest = "sha256(convert_to((detection -> 'parameters')::text, 'UTF8'))"

  static let compactAcquisitions = Migration(
    version: 3,
    name: "detector parameters stored once; raw counts as little-endian bytea",
    statements: [
      // The detector's parameters are the same in every record of a run and were most of each
      // row's detection object: stored once, keyed by the SHA-256 of their jsonb text.
      """
      CREATE TABLE whitlock.detection_parameters (
        parameters_id bytea PRIMARY KEY CHECK (octet_length(parameters_id) = 32),
        parameters jsonb NOT NULL,
        first_shipped_at timestamptz NOT NULL DEFAULT now())
      """,
      """
      ALTER TABLE whitlock.acquisitions
        ADD COLUMN detection_parameters_id bytea REFERENCES whitlock.detection_parameters
      """,
      """
      INSERT INTO whitlock.detection_parameters (parameters_id, parameters)
      SELECT DISTINCT ON (1) \(parametersDigest), detection -> 'parameters'
      FROM whitlock.acquisitions WHERE detection ? 'parameters'
      """,
      """
      UPDATE whitlock.acquisitions SET detection_parameters_id = \(parametersDigest),
        detection = detection - 'parameters'
      WHERE detection ? 'parameters'
      """,
      // The detection object as the record had it, parameters included.
      """
      CREATE VIEW whitlock.detections AS
      SELECT a.spool_id, a.seq,
        CASE WHEN p.parameters IS NULL THEN a.detection
          ELSE a.detection || jsonb_build_object('parameters', p.parameters) END AS detection
      FROM whitlock.acquisitions a
      LEFT JOIN whitlock.detection_parameters p ON p.parameters_id = a.detection_parameters_id
      """,
      // Raw counts as little-endian unsigned integers, 2 bytes each when all fit in 16 bits
      // (a 16-bit detector's always do), else 4: the width is octet_length(counts) / channels
      // (numpy: frombuffer(counts, '<u2' or '<i4')); whitlock.counts(counts, channels) gives
      // integer[]. The server copies them instead of parsing an array; noisy counts barely
      // compress, so they are not tried (STORAGE EXTERNAL).
      """
      CREATE FUNCTION whitlock.counts(raw bytea, channels integer) RETURNS integer[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(CASE octet_length(raw) / channels
            WHEN 2 THEN get_byte(raw, 2 * i) | (get_byte(raw, 2 * i + 1) << 8)
            ELSE get_byte(raw, 4 * i) | (get_byte(raw, 4 * i + 1) << 8)
              | (get_byte(raw, 4 * i + 2) << 16) | (get_byte(raw, 4 * i + 3) << 24) END
            ORDER BY i), '{}')
        FROM generate_series(0, channels - 1) AS i
      $$
      """,
      """
      CREATE FUNCTION whitlock.counts_bytes(counts integer[]) RETURNS bytea
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
            set_byte(set_byte(set_byte(set_byte('\\x00000000'::bytea,
              0, c & 255), 1, (c >> 8) & 255), 2, (c >> 16) & 255), 3, (c >> 24) & 255),
            ''::bytea ORDER BY i), ''::bytea)
        FROM unnest(counts) WITH ORDINALITY AS u(c, i)
      $$
      """,
      """
      ALTER TABLE whitlock.acquisitions
        ALTER COLUMN counts TYPE bytea USING whitlock.counts_bytes(counts),
        ALTER COLUMN counts SET STORAGE EXTERNAL
      """,
      // A 2048-pixel Raman row (4 KB of counts, the detection object compressed) then fits one
      // page and needs no TOAST chunks at all; 32-bit counts still go out of line.
      "ALTER TABLE whitlock.acquisitions SET (toast_tuple_target = 8160)",
    ])

  /// The members of `detection` that move to `detection_detail`, as SQL `text[]`.
  static let detailMembersSQL =
    "ARRAY[" + SegmentDecoder.detailMembers.sorted().map { "'\($0)'" }.joined(separator: ", ")
    + "]"

  static let detectionDetail = Migration(
    version: 4,
    name: "per-band fit table, phase evidence and fit reports in detection_detail (json)",
    statements: [
      // Converting a detection object into jsonb was the server's largest cost per record,
      // most of it the band table, phase evidence and fit reports: those are kept as json (the
      // text as written, checked as JSON; -> and ->> work on it as on jsonb), the results that
      // queries filter on stay in detection (jsonb) and the columns.
      "ALTER TABLE whitlock.acquisitions ADD COLUMN detection_detail json",
      "ALTER TABLE whitlock.acquisitions ALTER COLUMN detection_detail SET COMPRESSION lz4",
      """
      UPDATE whitlock.acquisitions SET
        detection_detail = (SELECT jsonb_object_agg(key, value) FROM jsonb_each(detection)
          WHERE key = ANY (\(detailMembersSQL)))::json,
        detection = detection - \(detailMembersSQL)
      WHERE detection ?| \(detailMembersSQL)
      """,
      // The detection object as the record had it: results, detail and parameters.
      """
      CREATE OR REPLACE VIEW whitlock.detections AS
      SELECT a.spool_id, a.seq,
        a.detection || coalesce(a.detection_detail::jsonb, '{}')
          || CASE WHEN p.parameters IS NULL THEN '{}'
            ELSE jsonb_build_object('parameters', p.parameters) END AS detection
      FROM whitlock.acquisitions a
      LEFT JOIN whitlock.detection_parameters p ON p.parameters_id = a.detection_parameters_id
      """,
    ])

  static let documentsAndMaps = Migration(
    version: 5,
    name: "dark and map records kept whole; the map point of each acquisition",
    statements: [
      "ALTER TABLE whitlock.records DROP CONSTRAINT records_type_check",
      """
      ALTER TABLE whitlock.records ADD CONSTRAINT records_type_check
        CHECK (type IN ('run-start', 'acquisition', 'run-end', 'dark', 'map-plan', 'map-end'))
      """,
      // Records without columns of their own: the whole record as the spool has it.
      """
      CREATE TABLE whitlock.record_documents (
        spool_id uuid NOT NULL,
        seq bigint NOT NULL,
        type text NOT NULL,
        document jsonb NOT NULL,
        PRIMARY KEY (spool_id, seq),
        FOREIGN KEY (spool_id, seq) REFERENCES whitlock.records ON DELETE CASCADE)
      """,
      "ALTER TABLE whitlock.record_documents ALTER COLUMN document SET COMPRESSION lz4",
      "ALTER TABLE whitlock.acquisitions ADD COLUMN map jsonb",
      """
      CREATE INDEX acquisitions_map_id ON whitlock.acquisitions ((map ->> 'map_id'))
        WHERE map IS NOT NULL
      """,
    ])

  static let calibrationRecords = Migration(
    version: 6,
    name: "calibration records kept whole",
    statements: [
      "ALTER TABLE whitlock.records DROP CONSTRAINT records_type_check",
      """
      ALTER TABLE whitlock.records ADD CONSTRAINT records_type_check
        CHECK (type IN (
          'run-start', 'acquisition', 'run-end', 'dark', 'calibration', 'map-plan', 'map-end'))
      """,
    ])
}
