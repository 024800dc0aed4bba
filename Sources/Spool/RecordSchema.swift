/// The JSON Schema (draft 2020-12) every spool record follows: `Resources/record.schema.json` of
/// this target, compiled into the binary as a SwiftPM `.embedInCode` resource (no file needed
/// beside the installed binary), installed as `share/whitlockd/record.schema.json` by
/// `make install` and printed by `whitlockctl spool schema`.
public enum RecordSchema {
  /// The schema file's bytes.
  public static var bytes: [UInt8] { PackageResources.record_schema_json }

  /// The schema text (the file's, ending in a newline).
  public static let json = String(decoding: PackageResources.record_schema_json, as: UTF8.self)
}
