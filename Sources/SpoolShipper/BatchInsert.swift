import PostgresNIO

/// Builds multi-row `INSERT … VALUES (…), (…)` statements with bound parameters, split so that
/// no statement exceeds the protocol's parameter limit.
struct BatchInsert {
  /// Parameters per statement; PostgreSQL allows 65 535.
  static let maximumBinds = 30_000

  private let head: String
  private let tail: String
  private let casts: [String]
  private var sql = ""
  private var binds = PostgresBindings()
  private var rowsInStatement = 0
  private(set) var queries: [PostgresQuery] = []

  /// - Parameters:
  ///   - table: the table, e.g. `whitlock.records`.
  ///   - columns: each column with the cast its parameter needs (`"::uuid"`, or `""`).
  ///   - tail: what follows the rows, e.g. `ON CONFLICT DO NOTHING`.
  init(_ table: String, _ columns: [(String, String)], tail: String) {
    head = "INSERT INTO \(table) (\(columns.map(\.0).joined(separator: ", "))) VALUES "
    casts = columns.map(\.1)
    self.tail = " " + tail
  }

  /// Adds one row; `fill` appends exactly one parameter per column, in column order.
  mutating func row(_ fill: (inout PostgresBindings) throws -> Void) rethrows {
    if rowsInStatement > 0 && binds.count + casts.count > Self.maximumBinds { flush() }
    let before = binds.count
    try fill(&binds)
    precondition(binds.count - before == casts.count, "a row must bind every column once")
    sql += rowsInStatement == 0 ? head : ", "
    sql += "("
    for (index, cast) in casts.enumerated() {
      if index > 0 { sql += ", " }
      sql += "$\(before + index + 1)\(cast)"
    }
    sql += ")"
    rowsInStatement += 1
  }

  /// The statements, the last one included.
  mutating func finish() -> [PostgresQuery] {
    flush()
    return queries
  }

  private mutating func flush() {
    guard rowsInStatement > 0 else { return }
    queries.append(PostgresQuery(unsafeSQL: sql + tail, binds: binds))
    sql = ""
    binds = PostgresBindings()
    rowsInStatement = 0
  }
}
