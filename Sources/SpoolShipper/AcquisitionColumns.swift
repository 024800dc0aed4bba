import NIOCore
import PostgresNIO

/// A segment's acquisitions as one binary array per column, stored with one
/// `INSERT … SELECT … FROM unnest(…)`: a handful of bound parameters for a thousand rows, sent in
/// binary, so the server copies the raw counts instead of parsing them and plans one statement.
///
/// The detector's parameters are not in the rows: each distinct `detection.parameters` is stored
/// once in `whitlock.detection_parameters` (`ShipperDatabase` upserts them first) and the rows
/// reference it by `parameterIDs`.
struct AcquisitionColumns: Sendable {
  /// One column: its name, the element type it is sent as, and the expression that stores it
  /// (`u.name` with a cast where the text needs one).
  struct Column: Sendable {
    var name: String
    var element: BinaryArray.Element
    var cast: String = ""
  }

  /// Every column but `spool_id` (one parameter for all rows) and `detection_parameters_id`
  /// (known only once the parameters are stored), in the order of `arrays`.
  static let columns: [Column] = [
    Column(name: "seq", element: .int8), Column(name: "run_id", element: .text, cast: "::uuid"),
    Column(name: "instrument_id", element: .text), Column(name: "kind", element: .text),
    Column(name: "device_seq", element: .int8),
    Column(name: "started", element: .text, cast: "::timestamptz"),
    Column(name: "ended", element: .text, cast: "::timestamptz"),
    Column(name: "exposure_s", element: .float8), Column(name: "full_scale", element: .int4),
    Column(name: "saturated_channels", element: .int4),
    Column(name: "parameters", element: .jsonb), Column(name: "axis_type", element: .text),
    Column(name: "coefficients_nm", element: .text, cast: "::double precision[]"),
    Column(name: "excitation_nm", element: .float8),
    Column(name: "kev_per_channel", element: .float8),
    Column(name: "offset_kev", element: .float8), Column(name: "channels", element: .int4),
    Column(name: "counts", element: .bytea), Column(name: "method", element: .text),
    Column(name: "detection", element: .jsonb),
    Column(name: "detection_detail", element: .json),
    Column(name: "simulation", element: .jsonb),
    Column(name: "calcification_type", element: .text),
    Column(name: "phosphate_detected", element: .bool),
    Column(name: "whitlockite_fraction", element: .float8),
    Column(name: "whitlockite_fraction_sigma", element: .float8),
    Column(name: "carbonate_phosphate_ratio", element: .float8),
    Column(name: "carbonate_phosphate_ratio_sigma", element: .float8),
    Column(name: "crystallinity_fwhm_cm1", element: .float8),
    Column(name: "map", element: .jsonb),
  ]

  /// The statement's text: `$1` is the spool id, `$2…` the columns, the last the parameter ids.
  /// The arrays are unnested in the select list, which walks them in step without first
  /// materialising the rows as `FROM unnest(…)` does.
  static let sql: String = {
    let names = columns.map(\.name) + ["detection_parameters_id"]
    let values = columns.map { "u.\($0.name)\($0.cast)" } + ["u.detection_parameters_id"]
    let arrays =
      columns.enumerated().map { index, column in
        "unnest($\(index + 2)::\(column.element.arraySQLName)) AS \(column.name)"
      } + ["unnest($\(columns.count + 2)::bytea[]) AS detection_parameters_id"]
    return """
      INSERT INTO whitlock.acquisitions (spool_id, \(names.joined(separator: ", ")))
      SELECT $1::uuid, \(values.joined(separator: ", "))
      FROM (SELECT \(arrays.joined(separator: ", "))) AS u
      """
  }()

  /// The rows' sequence numbers, in order.
  private(set) var seqs: [Int64] = []
  /// Each distinct `detection.parameters` text, in order of first use.
  private(set) var parameters: [String] = []
  /// For each row, its index into `parameters`, or `nil` when its detection had none.
  private(set) var parameterIndex: [Int?] = []
  private var arrays: [BinaryArray]

  var isEmpty: Bool { seqs.isEmpty }

  /// Rows per statement. The server materialises a statement's `unnest` and copies its bound
  /// arrays while planning, so one statement per segment (15 MB) would spill to a temporary file
  /// and fault in fresh memory for every copy; a few hundred rows stay within `work_mem`.
  static let rowsPerStatement = 100

  /// `rows` split into statements of at most `rowsPerStatement`.
  static func statements(
    _ rows: [(record: ShipRecord, acquisition: ShipRecord.Acquisition)]
  ) -> [AcquisitionColumns] {
    stride(from: 0, to: rows.count, by: rowsPerStatement).map { start in
      AcquisitionColumns(Array(rows[start..<min(start + rowsPerStatement, rows.count)]))
    }
  }

  init(_ rows: [(record: ShipRecord, acquisition: ShipRecord.Acquisition)]) {
    let countBytes = rows.reduce(0) { $0 + $1.acquisition.counts.count * 2 + 4 }
    let detectionBytes = rows.reduce(0) { $0 + $1.acquisition.detection.utf8.count + 5 }
    let detailBytes = rows.reduce(0) { $0 + ($1.acquisition.detectionDetail?.utf8.count ?? 0) + 4 }
    arrays = Self.columns.map { column in
      let capacity =
        switch column.name {
        case "counts": countBytes
        case "detection": detectionBytes
        case "detection_detail": detailBytes
        default: rows.count * 24
        }
      return BinaryArray(of: column.element, reservingCapacity: capacity)
    }
    var known: [String: Int] = [:]
    for (record, acquisition) in rows {
      seqs.append(record.seq)
      parameterIndex.append(
        acquisition.detectionParameters.map { text in
          // Consecutive records nearly always share them: compare before hashing 4 KB.
          if let last = parameters.last, last == text { return parameters.count - 1 }
          if let index = known[text] { return index }
          parameters.append(text)
          known[text] = parameters.count - 1
          return parameters.count - 1
        })
      append(record, acquisition)
    }
  }

  private mutating func append(_ record: ShipRecord, _ acquisition: ShipRecord.Acquisition) {
    var column = 0
    func next(_ fill: (inout BinaryArray) -> Void) {
      fill(&arrays[column])
      column += 1
    }
    next { $0.append(record.seq) }
    next { $0.append(record.runID) }
    next { $0.append(record.instrument.id) }
    next { $0.append(record.instrument.kind) }
    next { $0.append(acquisition.deviceSequence) }
    next { $0.append(acquisition.started) }
    next { $0.append(acquisition.ended) }
    next { $0.append(acquisition.exposureSeconds) }
    next { $0.append(acquisition.fullScale) }
    next { $0.append(acquisition.saturatedChannels) }
    next { $0.append(acquisition.parameters) }
    switch acquisition.axis {
    case .wavelengthPolynomial(let coefficients, let excitation):
      next { $0.append("wavelength-polynomial") }
      next { $0.append(Self.arrayLiteral(coefficients)) }
      next { $0.append(excitation) }
      next { $0.appendNull() }
      next { $0.appendNull() }
    case .linearEnergy(let gain, let offset):
      next { $0.append("linear-energy") }
      next { $0.appendNull() }
      next { $0.appendNull() }
      next { $0.append(gain) }
      next { $0.append(offset) }
    }
    next { $0.append(Int32(clamping: acquisition.counts.count)) }
    next { $0.appendCounts(acquisition.counts) }
    next { $0.append(acquisition.method) }
    next { $0.append(acquisition.detection) }
    next { $0.append(acquisition.detectionDetail) }
    next { $0.append(acquisition.simulation) }
    let raman = acquisition.raman
    next { $0.append(raman?.calcificationType) }
    next { $0.append(raman?.phosphateDetected) }
    next { $0.append(raman?.whitlockiteFraction) }
    next { $0.append(raman?.whitlockiteFractionSigma) }
    next { $0.append(raman?.carbonatePhosphateRatio) }
    next { $0.append(raman?.carbonatePhosphateRatioSigma) }
    next { $0.append(raman?.crystallinityFWHM) }
    next { $0.append(acquisition.map) }
    precondition(column == Self.columns.count, "every column gets one value per row")
  }

  /// The insert, with `parameterIDs[text]` the `detection_parameters_id` of each of `parameters`.
  func query(spoolID: String, parameterIDs: [String: ByteBuffer]) -> PostgresQuery {
    var binds = PostgresBindings(capacity: arrays.count + 2)
    binds.append(spoolID)
    for array in arrays { binds.append(array) }
    var ids = BinaryArray(of: .bytea, reservingCapacity: seqs.count * 36)
    for index in parameterIndex {
      if let index, let id = parameterIDs[parameters[index]] {
        ids.appendBytes(id.readableBytesView)
      } else {
        ids.appendNull()
      }
    }
    binds.append(ids)
    return PostgresQuery(unsafeSQL: Self.sql, binds: binds)
  }

  /// `{780.1,0.05}`: a `double precision[]` literal, in the shortest form that reads back the same.
  static func arrayLiteral(_ values: [Double]) -> String {
    "{"
      + values.map { value in
        value.isNaN
          ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : value.description
      }.joined(separator: ",") + "}"
  }
}
