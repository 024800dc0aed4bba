import Testing

@testable import SpoolShipper

@Suite("Database failures and back-off")
struct DatabaseFailureTests {
  @Test(
    "SQLSTATE classes decide between retry and quarantine",
    arguments: [
      ("22P02", DatabaseFailure.Kind.rejectedData),  // invalid text representation
      ("23503", .rejectedData),  // foreign key violation
      ("28P01", .refused),  // wrong password
      ("3D000", .refused),  // no such database
      ("42501", .refused),  // insufficient privilege
      ("57P01", .unreachable),  // administrator shutdown
      ("08006", .unreachable),  // connection failure
      ("53100", .unreachable),  // disk full on the server
    ])
  func sqlStateKinds(state: String, kind: DatabaseFailure.Kind) {
    #expect(DatabaseFailure.kind(sqlState: state) == kind)
  }

  @Test("back-off doubles up to its maximum with at most a quarter of jitter, and resets")
  func backoff() {
    var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
    let expected: [Duration] = [
      .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
      .seconds(1),
    ]
    for base in expected {
      let delay = backoff.next()
      #expect(delay >= base && delay <= base * 1.25)
    }
    backoff.reset()
    #expect(backoff.next() <= .milliseconds(125))
  }

  @Test("a multi-row insert is split below the parameter limit, numbering from $1 each time")
  func batchInsertSplits() {
    var insert = BatchInsert("t", [("a", "::uuid"), ("b", "")], tail: "ON CONFLICT DO NOTHING")
    for row in 0..<(BatchInsert.maximumBinds / 2 + 1) {
      insert.row { binds in
        binds.append("x")
        binds.append(row)
      }
    }
    let queries = insert.finish()
    #expect(queries.count == 2)
    #expect(queries[0].binds.count == BatchInsert.maximumBinds)
    #expect(queries[1].binds.count == 2)
    #expect(queries[1].sql == "INSERT INTO t (a, b) VALUES ($1::uuid, $2) ON CONFLICT DO NOTHING")
    #expect(queries[0].sql.hasPrefix("INSERT INTO t (a, b) VALUES ($1::uuid, $2), ($3::uuid, $4)"))
  }
}
