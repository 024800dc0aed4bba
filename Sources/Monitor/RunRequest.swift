import WhitlockCore

/// The body of `POST /api/v1/runs`, validated: what a study coordinator says is under the probe.
///
/// Every field ends up in spool records and file-oriented tools downstream, so each is restricted
/// to a safe alphabet: a sample id can never become a path (no `/`, no leading `.`, no `..`).
public struct RunRequest: Sendable, Equatable {
  /// Largest request body accepted, in bytes.
  public static let maximumBodyBytes = 16 * 1024

  /// The sample (specimen) id: 1–64 characters of `A-Z a-z 0-9 . _ -`, not starting with `.`.
  public var sampleID: String
  /// Who is operating: 1–64 printable characters, or absent.
  public var operatorName: String?
  /// The measurement point on the sample, same alphabet as the sample id, or absent.
  public var pointID: String?

  public init(sampleID: String, operatorName: String? = nil, pointID: String? = nil) {
    self.sampleID = sampleID
    self.operatorName = operatorName
    self.pointID = pointID
  }

  /// Why a request was refused; the message is sent back to the client.
  public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
  }

  /// Parses and validates a JSON body such as
  /// `{"sample_id": "B-2024-017", "operator": "jdoe", "point_id": "p3"}`.
  public static func parse(_ body: [UInt8]) throws(Invalid) -> RunRequest {
    guard body.count <= maximumBodyBytes else {
      throw Invalid(description: "body exceeds \(maximumBodyBytes) bytes")
    }
    let value: JSONValue
    do { value = try JSONParser.parse(body) } catch {
      throw Invalid(description: "body is not JSON: \(error)")
    }
    guard case .object(let members) = value else {
      throw Invalid(description: "body must be a JSON object")
    }
    let known: Set = ["sample_id", "operator", "point_id"]
    if let unknown = members.first(where: { !known.contains($0.0) }) {
      throw Invalid(
        description: "unknown member \"\(unknown.0)\"; expected sample_id, operator, point_id")
    }
    guard let sample = value["sample_id"]?.stringValue else {
      throw Invalid(description: "sample_id is required and must be a string")
    }
    guard isSafeIdentifier(sample) else {
      throw Invalid(description: "sample_id \(identifierRule)")
    }
    let point = try optionalString(value, "point_id")
    if let point, !isSafeIdentifier(point) {
      throw Invalid(description: "point_id \(identifierRule)")
    }
    let operatorName = try optionalString(value, "operator")
    if let operatorName, !isPrintableName(operatorName) {
      throw Invalid(
        description: "operator must be 1–64 printable characters without control characters")
    }
    return RunRequest(sampleID: sample, operatorName: operatorName, pointID: point)
  }

  static let identifierRule =
    "must be 1–64 characters of letters, digits, '.', '_' or '-' and must not start with '.'"

  private static func optionalString(_ value: JSONValue, _ key: String) throws(Invalid) -> String? {
    switch value[key] {
    case nil, .null?: return nil
    case .string(let text)?: return text
    default: throw Invalid(description: "\(key) must be a string")
    }
  }

  /// `[A-Za-z0-9._-]{1,64}`, not starting with `.`: never a path, never hidden, never `..`.
  public static func isSafeIdentifier(_ text: String) -> Bool {
    guard (1...64).contains(text.utf8.count), text.utf8.first != UInt8(ascii: ".") else {
      return false
    }
    return text.utf8.allSatisfy { byte in
      (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
  }

  private static func isPrintableName(_ text: String) -> Bool {
    guard (1...64).contains(text.unicodeScalars.count) else { return false }
    return text.unicodeScalars.allSatisfy { scalar in
      !scalar.properties.generalCategory.isControlOrFormat
    }
  }
}

extension Unicode.GeneralCategory {
  fileprivate var isControlOrFormat: Bool {
    switch self {
    case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned,
      .privateUse:
      return true
    default: return false
    }
  }
}
