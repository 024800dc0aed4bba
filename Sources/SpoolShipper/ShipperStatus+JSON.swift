import WhitlockCore

extension ShipperStatus.Snapshot {
  /// The `ship` member of `/api/v1/status` and of `whitlockctl ship --status`.
  public var jsonValue: JSONValue {
    .object([
      ("state", .string(state.rawValue)),
      ("database", .string(database)),
      ("spool_id", spoolID.map(JSONValue.string) ?? .null),
      ("backlog_segments", .int(Int64(backlogSegments))),
      ("backlog_bytes", .int(Int64(backlogBytes))),
      ("records_shipped", .int(Int64(recordsShipped))),
      ("records_already_present", .int(Int64(recordsAlreadyPresent))),
      ("segments_shipped", .int(Int64(segmentsShipped))),
      ("segments_quarantined", .int(Int64(segmentsQuarantined))),
      ("records_quarantined", .int(Int64(recordsQuarantined))),
      ("records_conflicting", .int(Int64(recordsConflicting))),
      ("database_last_seq", .int(databaseLastSeq)),
      ("connect_failures", .int(Int64(connectFailures))),
      ("last_shipped_seq", .int(lastShippedSeq)),
      ("last_shipped_at", lastShippedAt.map { .string(UTCTimestamp.string(from: $0)) } ?? .null),
      ("failing_since", failingSince.map { .string(UTCTimestamp.string(from: $0)) } ?? .null),
      ("last_error", lastError.map(JSONValue.string) ?? .null),
      ("tls_warning", tlsWarning.map(JSONValue.string) ?? .null),
    ])
  }
}
