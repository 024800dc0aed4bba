import WhitlockCore

/// Validates JSON values against the subset of JSON Schema (draft 2020-12) that whitlockd's record
/// schema uses: `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`,
/// `minItems`, `maxItems`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
/// `minLength`, `maxLength`, `pattern`, `allOf`, `anyOf`, `oneOf` and local `$ref`s.
///
/// Any other keyword in the schema is refused when the validator is created, so the validator can
/// never silently accept what the published schema forbids. The schema is compiled once into a
/// tree of nodes, so validating a record with thousands of counts stays cheap.
public struct JSONSchemaValidator: Sendable {
  /// A violation, with the JSON Pointer of the offending value.
  public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public var pointer: String
    public var message: String
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
  }

  private let root: SchemaNode

  /// Prepares `schemaText`; throws when it is not JSON or uses an unsupported keyword.
  public init(schemaText: String) throws {
    let document = try JSONParser.parse(schemaText)
    var compiler = SchemaCompiler(document: document)
    root = try compiler.compile(document, path: "#")
    try compiler.resolveReferences()
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
    root.validate(value, pointer: "", into: &violations)
    return violations
  }
}

/// A schema that the validator cannot honour.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Builds `SchemaNode`s from schema JSON and links `$ref`s once every node exists.
private struct SchemaCompiler {
  static let supported: Set<String> = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "required",
    "properties", "additionalProperties", "items", "minItems", "maxItems", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "allOf", "anyOf",
    "oneOf",
  ]

  let document: JSONValue
  var byPath: [String: SchemaNode] = [:]
  var pending: [(SchemaNode, String)] = []

  init(document: JSONValue) { self.document = document }

  mutating func compile(_ schema: JSONValue, path: String) throws -> SchemaNode {
    let node = SchemaNode()
    byPath[path] = node
    if case .bool(let allowed) = schema {
      node.allowsNothing = !allowed
      return node
    }
    guard case .object(let members) = schema else {
      throw SchemaError(message: "\(path): a schema must be an object or a boolean")
    }
    for (key, value) in members {
      guard Self.supported.contains(key) else {
        throw SchemaError(message: "\(path): unsupported keyword \(key)")
      }
      let childPath = path + "/" + key
      switch key {
      case "$defs":
        guard case .object(let children) = value else { continue }
        for (name, child) in children { _ = try compile(child, path: childPath + "/" + name) }
      case "$ref":
        guard let reference = value.stringValue else {
          throw SchemaError(message: "\(path): bad $ref")
        }
        pending.append((node, reference))
      case "type":
        switch value {
        case .string(let name): node.types = [name]
        case .array(let names): node.types = Set(names.compactMap(\.stringValue))
        default: throw SchemaError(message: "\(path): bad type")
        }
      case "const": node.constant = value
      case "enum":
        guard case .array(let options) = value else {
          throw SchemaError(message: "\(path): bad enum")
        }
        node.options = options
      case "required":
        guard case .array(let names) = value else { continue }
        node.required = names.compactMap(\.stringValue)
      case "properties":
        guard case .object(let children) = value else { continue }
        for (name, child) in children {
          node.properties[name] = try compile(child, path: childPath + "/" + name)
        }
      case "additionalProperties": node.additional = try compile(value, path: childPath)
      case "items": node.items = try compile(value, path: childPath)
      case "minItems": node.minItems = value.doubleValue
      case "maxItems": node.maxItems = value.doubleValue
      case "minimum": node.minimum = value.doubleValue
      case "maximum": node.maximum = value.doubleValue
      case "exclusiveMinimum": node.exclusiveMinimum = value.doubleValue
      case "exclusiveMaximum": node.exclusiveMaximum = value.doubleValue
      case "minLength": node.minLength = value.doubleValue
      case "maxLength": node.maxLength = value.doubleValue
      case "pattern":
        guard let text = value.stringValue else { continue }
        node.pattern = (text, try PatternMatcher(text))
      case "allOf", "anyOf", "oneOf":
        guard case .array(let children) = value else { continue }
        var compiled: [SchemaNode] = []
        for (index, child) in children.enumerated() {
          compiled.append(try compile(child, path: childPath + "/\(index)"))
        }
        if key == "allOf" { node.allOf = compiled }
        if key == "anyOf" { node.anyOf = compiled }
        if key == "oneOf" { node.oneOf = compiled }
      default: continue
      }
    }
    return node
  }

  func resolveReferences() throws {
    for (node, reference) in pending {
      guard let target = byPath[reference] else {
        throw SchemaError(message: "unresolvable $ref \(reference)")
      }
      node.reference = target
    }
  }
}

/// One compiled schema. Nodes are built once and only read afterwards.
private final class SchemaNode: @unchecked Sendable {
  var allowsNothing = false
  var reference: SchemaNode?
  var types: Set<String>?
  var constant: JSONValue?
  var options: [JSONValue]?
  var required: [String] = []
  var properties: [String: SchemaNode] = [:]
  var additional: SchemaNode?
  var items: SchemaNode?
  var minItems, maxItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum: Double?
  var minLength, maxLength: Double?
  var pattern: (String, PatternMatcher)?
  var allOf: [SchemaNode] = []
  var anyOf: [SchemaNode] = []
  var oneOf: [SchemaNode] = []

  typealias Violation = JSONSchemaValidator.Violation

  func validate(_ value: JSONValue, pointer: String, into violations: inout [Violation]) {
    if allowsNothing {
      violations.append(Violation(pointer: pointer, message: "not allowed"))
      return
    }
    reference?.validate(value, pointer: pointer, into: &violations)
    if let types, !types.contains(where: { Self.matches(value, typeName: $0) }) {
      let expected = types.sorted().joined(separator: " or ")
      violations.append(
        Violation(
          pointer: pointer, message: "expected \(expected), found \(Self.typeName(of: value))"))
      return
    }
    if let constant, !Self.equalAsJSON(constant, value) {
      violations.append(Violation(pointer: pointer, message: "must be \(Self.render(constant))"))
    }
    if let options, !options.contains(where: { Self.equalAsJSON($0, value) }) {
      let list = options.map(Self.render).joined(separator: ", ")
      violations.append(Violation(pointer: pointer, message: "must be one of \(list)"))
    }
    switch value {
    case .int, .double: validateNumber(value.doubleValue ?? 0, pointer: pointer, into: &violations)
    case .string(let text): validateString(text, pointer: pointer, into: &violations)
    case .object(let members): validateObject(members, pointer: pointer, into: &violations)
    case .array(let elements): validateArray(elements, pointer: pointer, into: &violations)
    case .null, .bool: break
    }
    validateCombinators(value, pointer: pointer, into: &violations)
  }

  private func validateNumber(_ number: Double, pointer: String, into violations: inout [Violation])
  {
    func fail(_ message: String) {
      violations.append(Violation(pointer: pointer, message: message))
    }
    if let minimum, number < minimum { fail("must be ≥ \(Self.format(minimum))") }
    if let maximum, number > maximum { fail("must be ≤ \(Self.format(maximum))") }
    if let exclusiveMinimum, number <= exclusiveMinimum {
      fail("must be > \(Self.format(exclusiveMinimum))")
    }
    if let exclusiveMaximum, number >= exclusiveMaximum {
      fail("must be < \(Self.format(exclusiveMaximum))")
    }
  }

  private func validateString(_ text: String, pointer: String, into violations: inout [Violation]) {
    func fail(_ message: String) {
      violations.append(Violation(pointer: pointer, message: message))
    }
    if minLength != nil || maxLength != nil {
      let length = Double(text.unicodeScalars.count)
      if let minLength, length < minLength {
        fail("must have at least \(Int(minLength)) characters")
      }
      if let maxLength, length > maxLength {
        fail("must have at most \(Int(maxLength)) characters")
      }
    }
    if let (source, matcher) = pattern, !matcher.matches(text) { fail("must match \(source)") }
  }

  private func validateObject(
    _ members: [(String, JSONValue)], pointer: String, into violations: inout [Violation]
  ) {
    for name in required where !members.contains(where: { $0.0 == name }) {
      violations.append(Violation(pointer: pointer, message: "missing required member \(name)"))
    }
    for (name, member) in members {
      if let property = properties[name] {
        property.validate(member, pointer: pointer + "/" + name, into: &violations)
      } else if let additional {
        if additional.allowsNothing {
          violations.append(Violation(pointer: pointer + "/" + name, message: "unexpected member"))
        } else {
          additional.validate(member, pointer: pointer + "/" + name, into: &violations)
        }
      }
    }
  }

  private func validateArray(
    _ elements: [JSONValue], pointer: String, into violations: inout [Violation]
  ) {
    let count = Double(elements.count)
    if let minItems, count < minItems {
      violations.append(Violation(pointer: pointer, message: "must have ≥ \(Int(minItems)) items"))
    }
    if let maxItems, count > maxItems {
      violations.append(Violation(pointer: pointer, message: "must have ≤ \(Int(maxItems)) items"))
    }
    guard let items else { return }
    for (index, element) in elements.enumerated() {
      items.validate(element, pointer: pointer + "/\(index)", into: &violations)
      if violations.count > 50 { return }
    }
  }

  private func validateCombinators(
    _ value: JSONValue, pointer: String, into violations: inout [Violation]
  ) {
    for node in allOf { node.validate(value, pointer: pointer, into: &violations) }
    if !anyOf.isEmpty {
      let passing = anyOf.contains { node in
        var scratch: [Violation] = []
        node.validate(value, pointer: pointer, into: &scratch)
        return scratch.isEmpty
      }
      if !passing {
        violations.append(Violation(pointer: pointer, message: "matches none of anyOf"))
      }
    }
    if !oneOf.isEmpty {
      var failures: [[Violation]] = []
      for node in oneOf {
        var scratch: [Violation] = []
        node.validate(value, pointer: pointer, into: &scratch)
        failures.append(scratch)
      }
      let passing = failures.filter(\.isEmpty).count
      if passing == 0 {
        // Report the alternative that came closest: the one the writer most likely meant.
        let closest = failures.min { $0.count < $1.count } ?? []
        violations.append(contentsOf: closest)
      } else if passing > 1 {
        violations.append(Violation(pointer: pointer, message: "matches more than one of oneOf"))
      }
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

  private static func format(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }

  private static func render(_ value: JSONValue) -> String {
    var writer = JSONWriter(reservingCapacity: 64)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// A compiled `pattern`, matched anywhere in the string as JSON Schema specifies.
struct PatternMatcher: @unchecked Sendable {
  // Regex is immutable once built and only read afterwards.
  private let regex: Regex<AnyRegexOutput>

  init(_ pattern: String) throws { regex = try Regex(pattern) }

  func matches(_ text: String) -> Bool { text.contains(regex) }
}
