import WhitlockCore

/// Validates JSON values against the subset of JSON Schema (draft 2020-12) that whitlockd's record
/// schema uses: `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`,
/// `minItems`, `maxItems`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
/// `minLength`, `maxLength`, `pattern`, `allOf`, `anyOf`, `oneOf` and local `$ref`s.
///
/// Any other keyword in the schema is refused when the validator is created, so the validator can
/// never silently accept what the published schema forbids.
public struct JSONSchemaValidator: Sendable {
  /// A violation, with the JSON Pointer of the offending value.
  public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public var pointer: String
    public var message: String
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
  }

  private static let supported: Set<String> = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "required",
    "properties", "additionalProperties", "items", "minItems", "maxItems", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "allOf", "anyOf",
    "oneOf",
  ]

  private let root: JSONValue
  private let patterns: [String: PatternMatcher]

  /// Prepares `schemaText`; throws when it is not JSON or uses an unsupported keyword.
  public init(schemaText: String) throws {
    root = try JSONParser.parse(schemaText)
    var patterns: [String: PatternMatcher] = [:]
    try Self.check(root, path: "#", patterns: &patterns)
    self.patterns = patterns
  }

  /// The validator for whitlockd's own record schema.
  public static let records: JSONSchemaValidator = {
    do { return try JSONSchemaValidator(schemaText: RecordSchema.json) } catch {
      preconditionFailure("the embedded record schema is invalid: \(error)")
    }
  }()

  /// All violations of `value` (empty when valid).
  public func validate(_ value: JSONValue) -> [Violation] {
    var violations: [Violation] = []
    validate(value, against: root, pointer: "", into: &violations)
    return violations
  }

  private static func check(
    _ schema: JSONValue, path: String, patterns: inout [String: PatternMatcher]
  ) throws {
    guard case .object(let members) = schema else {
      if case .bool = schema { return }
      throw SchemaError(message: "\(path): a schema must be an object or a boolean")
    }
    for (key, value) in members {
      guard supported.contains(key) else {
        throw SchemaError(message: "\(path): unsupported keyword \(key)")
      }
      switch key {
      case "$defs", "properties":
        guard case .object(let children) = value else { continue }
        for (name, child) in children {
          try check(child, path: path + "/" + key + "/" + name, patterns: &patterns)
        }
      case "allOf", "anyOf", "oneOf":
        guard case .array(let children) = value else { continue }
        for (index, child) in children.enumerated() {
          try check(child, path: path + "/" + key + "/\(index)", patterns: &patterns)
        }
      case "items", "additionalProperties":
        try check(value, path: path + "/" + key, patterns: &patterns)
      case "pattern":
        guard let text = value.stringValue else { continue }
        patterns[text] = try PatternMatcher(text)
      default: continue
      }
    }
  }

  private func resolve(_ reference: String) -> JSONValue? {
    guard reference.hasPrefix("#/") else { return nil }
    var node: JSONValue? = root
    for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
    return node
  }

  private func validate(
    _ value: JSONValue, against schema: JSONValue, pointer: String,
    into violations: inout [Violation]
  ) {
    if case .bool(let allowed) = schema {
      if !allowed { violations.append(Violation(pointer: pointer, message: "not allowed")) }
      return
    }
    func fail(_ message: String) {
      violations.append(Violation(pointer: pointer, message: message))
    }

    if let reference = schema["$ref"]?.stringValue {
      if let target = resolve(reference) {
        validate(value, against: target, pointer: pointer, into: &violations)
      } else {
        fail("unresolvable $ref \(reference)")
      }
    }
    if let types = schema["type"], !Self.matchesType(value, types) {
      fail("expected \(Self.describe(types)), found \(Self.typeName(of: value))")
      return
    }
    if let constant = schema["const"], !Self.equalAsJSON(constant, value) {
      fail("must be \(Self.render(constant))")
    }
    if case .array(let options)? = schema["enum"],
      !options.contains(where: { Self.equalAsJSON($0, value) })
    {
      fail("must be one of \(options.map(Self.render).joined(separator: ", "))")
    }
    validateNumber(value, schema, fail)
    validateString(value, schema, fail)
    validateObject(value, schema, pointer: pointer, into: &violations)
    validateArray(value, schema, pointer: pointer, into: &violations)
    validateCombinators(value, schema, pointer: pointer, into: &violations)
  }

  private func validateNumber(
    _ value: JSONValue, _ schema: JSONValue, _ fail: (String) -> Void
  ) {
    guard let number = value.doubleValue else { return }
    if let minimum = schema["minimum"]?.doubleValue, number < minimum {
      fail("must be ≥ \(minimum)")
    }
    if let maximum = schema["maximum"]?.doubleValue, number > maximum {
      fail("must be ≤ \(maximum)")
    }
    if let bound = schema["exclusiveMinimum"]?.doubleValue, number <= bound {
      fail("must be > \(bound)")
    }
    if let bound = schema["exclusiveMaximum"]?.doubleValue, number >= bound {
      fail("must be < \(bound)")
    }
  }

  private func validateString(
    _ value: JSONValue, _ schema: JSONValue, _ fail: (String) -> Void
  ) {
    guard let text = value.stringValue else { return }
    let length = text.unicodeScalars.count
    if let minimum = schema["minLength"]?.doubleValue, Double(length) < minimum {
      fail("must have at least \(Int(minimum)) characters")
    }
    if let maximum = schema["maxLength"]?.doubleValue, Double(length) > maximum {
      fail("must have at most \(Int(maximum)) characters")
    }
    if let pattern = schema["pattern"]?.stringValue, let matcher = patterns[pattern],
      !matcher.matches(text)
    {
      fail("must match \(pattern)")
    }
  }

  private func validateObject(
    _ value: JSONValue, _ schema: JSONValue, pointer: String, into violations: inout [Violation]
  ) {
    guard case .object(let members) = value else { return }
    if case .array(let required)? = schema["required"] {
      for case .string(let name) in required where !members.contains(where: { $0.0 == name }) {
        violations.append(Violation(pointer: pointer, message: "missing required member \(name)"))
      }
    }
    let properties = schema["properties"]
    for (name, member) in members {
      let childPointer = pointer + "/" + name
      if let propertySchema = properties?[name] {
        validate(member, against: propertySchema, pointer: childPointer, into: &violations)
      } else if let additional = schema["additionalProperties"] {
        if case .bool(false) = additional {
          violations.append(Violation(pointer: childPointer, message: "unexpected member"))
        } else {
          validate(member, against: additional, pointer: childPointer, into: &violations)
        }
      }
    }
  }

  private func validateArray(
    _ value: JSONValue, _ schema: JSONValue, pointer: String, into violations: inout [Violation]
  ) {
    guard case .array(let items) = value else { return }
    if let minimum = schema["minItems"]?.doubleValue, Double(items.count) < minimum {
      violations.append(Violation(pointer: pointer, message: "must have ≥ \(Int(minimum)) items"))
    }
    if let maximum = schema["maxItems"]?.doubleValue, Double(items.count) > maximum {
      violations.append(Violation(pointer: pointer, message: "must have ≤ \(Int(maximum)) items"))
    }
    if let itemSchema = schema["items"] {
      for (index, item) in items.enumerated() {
        validate(item, against: itemSchema, pointer: pointer + "/\(index)", into: &violations)
        if violations.count > 50 { return }
      }
    }
  }

  private func validateCombinators(
    _ value: JSONValue, _ schema: JSONValue, pointer: String, into violations: inout [Violation]
  ) {
    if case .array(let all)? = schema["allOf"] {
      for sub in all { validate(value, against: sub, pointer: pointer, into: &violations) }
    }
    if case .array(let any)? = schema["anyOf"] {
      let passing = any.contains { sub in
        var scratch: [Violation] = []
        validate(value, against: sub, pointer: pointer, into: &scratch)
        return scratch.isEmpty
      }
      if !passing {
        violations.append(Violation(pointer: pointer, message: "matches none of anyOf"))
      }
    }
    if case .array(let one)? = schema["oneOf"] {
      var failures: [[Violation]] = []
      for sub in one {
        var scratch: [Violation] = []
        validate(value, against: sub, pointer: pointer, into: &scratch)
        failures.append(scratch)
      }
      let passing = failures.filter(\.isEmpty).count
      if passing == 0 {
        // Report the alternative that came closest, which is the one the author meant.
        let closest = failures.min { $0.count < $1.count } ?? []
        violations.append(contentsOf: closest)
        if closest.isEmpty {
          violations.append(Violation(pointer: pointer, message: "matches none of oneOf"))
        }
      } else if passing > 1 {
        violations.append(Violation(pointer: pointer, message: "matches more than one of oneOf"))
      }
    }
  }

  private static func matchesType(_ value: JSONValue, _ types: JSONValue) -> Bool {
    switch types {
    case .string(let name): return matches(value, typeName: name)
    case .array(let names):
      return names.contains { $0.stringValue.map { matches(value, typeName: $0) } ?? false }
    default: return true
    }
  }

  private static func matches(_ value: JSONValue, typeName name: String) -> Bool {
    switch (name, value) {
    case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array),
      ("object", .object), ("integer", .int), ("number", .int), ("number", .double):
      return true
    case ("integer", .double(let number)): return number == number.rounded()
    default: return false
    }
  }

  private static func equalAsJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    if let x = a.doubleValue, let y = b.doubleValue { return x == y }
    return a == b
  }

  private static func typeName(of value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "boolean"
    case .int: return "integer"
    case .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  private static func describe(_ types: JSONValue) -> String {
    if case .array(let names) = types {
      return names.compactMap(\.stringValue).joined(separator: " or ")
    }
    return types.stringValue ?? "?"
  }

  private static func render(_ value: JSONValue) -> String {
    var writer = JSONWriter(reservingCapacity: 64)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// A schema that the validator cannot honour.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// A compiled `pattern`, matched anywhere in the string as JSON Schema specifies.
struct PatternMatcher: @unchecked Sendable {
  // Regex is immutable once built; it is only read after initialisation.
  private let regex: Regex<AnyRegexOutput>

  init(_ pattern: String) throws { regex = try Regex(pattern) }

  func matches(_ text: String) -> Bool { text.contains(regex) }
}
