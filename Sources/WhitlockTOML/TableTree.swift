/// The tables of a document under construction, and the TOML rules about which keys and headers
/// may define or extend which table.
///
/// Tables live in an array and refer to each other by index, so they can be extended in place as
/// headers and dotted keys arrive; `freeze` turns the finished tree into `TOMLTable` values.
/// Inline tables and static arrays are stored already frozen, which is what makes them sealed.
struct TableTree {
  /// How a table came to exist, which decides how it may be extended later.
  enum Origin {
    /// The document root.
    case root
    /// Created as a prefix of a header such as `a` in `[a.b]`; a later `[a]` may still define it.
    case implicit
    /// Defined by a `[header]` or as an element of `[[header]]`.
    case header
    /// Created by a dotted key such as `a` in `a.b = 1`; only further dotted keys may add keys.
    case dotted
    /// An inline table being parsed.
    case inline
  }

  /// What a key holds.
  enum Content {
    /// A finished value: scalar, static array or inline table.
    case value(TOMLValue)
    /// A table still open to extension, by index into `nodes`.
    case table(Int)
    /// An array of tables, by index into `tableArrays`.
    case tableArray(Int)
  }

  /// One key of a table.
  struct Slot {
    let key: String
    var position: SourcePosition
    var content: Content
  }

  /// One table. Its path is not stored but rebuilt from `parent`, `key` and `indices` when an
  /// error message needs it, so long keys cost nothing per line or per array element.
  struct Node {
    var origin: Origin
    var position: SourcePosition
    let depth: Int
    /// The table whose key leads here; nil for the root.
    let parent: Int?
    /// The key in `parent`.
    let key: String
    /// Array indices after the key: the element number of `[[key]]` or of an inline table.
    let indices: [Int]
    var slots: [Slot] = []
    var index: [String: Int] = [:]
  }

  /// One array of tables.
  struct TableArray {
    var elements: [Int]
    let position: SourcePosition
  }

  /// The index of the document root.
  static let rootID = 0

  /// The deepest table nesting accepted.
  let maximumDepth: Int
  private var nodes: [Node]
  private var tableArrays: [TableArray] = []

  /// An empty document.
  init(maximumDepth: Int) {
    self.maximumDepth = maximumDepth
    nodes = [
      Node(origin: .root, position: .none, depth: 0, parent: nil, key: "", indices: [])
    ]
  }

  /// The nesting depth of a table (0 for the root).
  func depth(of table: Int) -> Int { nodes[table].depth }

  /// The display path of `table`, such as `instrument[1].simulation` ("" for the root).
  func path(of table: Int) -> String {
    var segments: [String] = []
    var current = table
    while let parent = nodes[current].parent {
      let node = nodes[current]
      segments.append(KeyComponent.display(node.key) + node.indices.map { "[\($0)]" }.joined())
      current = parent
    }
    return segments.reversed().joined(separator: ".")
  }

  /// The display path of `key` inside `table`.
  func path(of table: Int, appending key: String) -> String {
    KeyComponent.path(path(of: table), key)
  }

  /// The display path of the value at `valuePath`.
  func path(of valuePath: ValuePath) -> String {
    path(of: valuePath.table, appending: valuePath.key)
      + valuePath.indices.map { "[\($0)]" }.joined()
  }

  /// Opens the table named by a `[header]` at `header`, creating missing parent tables, and
  /// returns its index.
  mutating func openTable(_ key: [KeyComponent], header: SourcePosition) throws(ParseFailure)
    -> Int
  {
    var current = Self.rootID
    for component in key.dropLast() {
      current = try descendForHeader(from: current, into: component, header: header)
    }
    let last = key[key.count - 1]
    guard let slotIndex = nodes[current].index[last.name] else {
      return try addTable(to: current, key: last, origin: .header, position: header)
    }
    let path = path(of: current, appending: last.name)
    let slot = nodes[current].slots[slotIndex]
    switch slot.content {
    case .value(let value):
      throw conflict(path: path, value: value, at: last.position)
    case .tableArray(let array):
      throw ParseFailure(
        position: last.position,
        message:
          "'\(path)' is an array of tables (line \(tableArrays[array].position.line)); "
          + "use [[\(path)]] to add an element")
    case .table(let child):
      switch nodes[child].origin {
      case .implicit:
        nodes[child].origin = .header
        nodes[child].position = header
        nodes[current].slots[slotIndex].position = last.position
        return child
      case .dotted:
        throw ParseFailure(
          position: last.position,
          message:
            "table '\(path)' is already defined by dotted keys (line \(slot.position.line))")
      case .root, .header, .inline:
        throw ParseFailure(
          position: last.position,
          message:
            "table '\(path)' is defined more than once "
            + "(first at line \(nodes[child].position.line))")
      }
    }
  }

  /// Adds a new element to the array of tables named by a `[[header]]` at `header`, creating the
  /// array and missing parent tables, and returns the new element's index.
  mutating func appendArrayElement(_ key: [KeyComponent], header: SourcePosition)
    throws(ParseFailure) -> Int
  {
    var current = Self.rootID
    for component in key.dropLast() {
      current = try descendForHeader(from: current, into: component, header: header)
    }
    let last = key[key.count - 1]
    guard let slotIndex = nodes[current].index[last.name] else {
      let element = try newNode(
        parent: current, origin: .header, position: header, key: last.name, indices: [0])
      tableArrays.append(TableArray(elements: [element], position: header))
      addSlot(to: current, key: last, content: .tableArray(tableArrays.count - 1))
      return element
    }
    switch nodes[current].slots[slotIndex].content {
    case .tableArray(let array):
      let count = tableArrays[array].elements.count
      let element = try newNode(
        parent: current, origin: .header, position: header, key: last.name, indices: [count])
      tableArrays[array].elements.append(element)
      return element
    case .table(let child):
      let path = path(of: current, appending: last.name)
      throw ParseFailure(
        position: last.position,
        message:
          "cannot define array of tables '\(path)': it is already a table "
          + "(line \(nodes[child].position.line))")
    case .value(let value):
      let path = path(of: current, appending: last.name)
      throw ParseFailure(
        position: last.position,
        message:
          "cannot define array of tables '\(path)': it is already "
          + "\(Self.article(value.typeName)) (line \(value.line))")
    }
  }

  /// Finds, or creates as dotted tables, the tables named by all but the last part of a key in
  /// `table`, checks that the last part is new, and returns the table that will hold it.
  mutating func prepareAssignment(in table: Int, key: [KeyComponent]) throws(ParseFailure) -> Int {
    var current = table
    for component in key.dropLast() {
      guard let slotIndex = nodes[current].index[component.name] else {
        current = try addTable(
          to: current, key: component, origin: .dotted, position: component.position)
        continue
      }
      switch nodes[current].slots[slotIndex].content {
      case .table(let child):
        guard nodes[child].origin == .dotted else {
          let path = path(of: current, appending: component.name)
          throw ParseFailure(
            position: component.position,
            message:
              "cannot add keys to table '\(path)' with a dotted key: it is defined by a table "
              + "header (line \(nodes[child].position.line))")
        }
        current = child
      case .tableArray(let array):
        let path = path(of: current, appending: component.name)
        throw ParseFailure(
          position: component.position,
          message:
            "cannot add keys to array of tables '\(path)' with a dotted key "
            + "(defined at line \(tableArrays[array].position.line))")
      case .value(let value):
        throw conflict(
          path: path(of: current, appending: component.name), value: value,
          at: component.position)
      }
    }
    let last = key[key.count - 1]
    if let slotIndex = nodes[current].index[last.name] {
      let first = nodes[current].slots[slotIndex].position.line
      throw ParseFailure(
        position: last.position,
        message:
          "duplicate key '\(path(of: current, appending: last.name))' "
          + "(first defined at line \(first))")
    }
    return current
  }

  /// Stores `value` under `key` in `table`; `prepareAssignment` has checked the key is new.
  mutating func assign(_ value: TOMLValue, to key: KeyComponent, in table: Int) {
    addSlot(to: table, key: key, content: .value(value))
  }

  /// Creates the table of an inline table at `path`, starting at `position`, `depth` levels deep.
  mutating func makeInlineTable(depth: Int, path: ValuePath, position: SourcePosition) -> Int {
    nodes.append(
      Node(
        origin: .inline, position: position, depth: depth, parent: path.table, key: path.key,
        indices: path.indices))
    return nodes.count - 1
  }

  /// The finished `TOMLTable` for `table` and everything below it.
  func freeze(_ table: Int) -> TOMLTable {
    let node = nodes[table]
    var entries: [TOMLEntry] = []
    entries.reserveCapacity(node.slots.count)
    for slot in node.slots {
      let value: TOMLValue
      switch slot.content {
      case .value(let stored):
        value = stored
      case .table(let child):
        value = frozenValue(child)
      case .tableArray(let array):
        let tables = tableArrays[array]
        value = TOMLValue(
          kind: .array(tables.elements.map(frozenValue)),
          line: tables.position.line, column: tables.position.column)
      }
      entries.append(
        TOMLEntry(
          key: slot.key, value: value, line: slot.position.line, column: slot.position.column))
    }
    return TOMLTable(entries: entries, line: node.position.line, column: node.position.column)
  }

  private func frozenValue(_ table: Int) -> TOMLValue {
    let frozen = freeze(table)
    return TOMLValue(kind: .table(frozen), line: frozen.line, column: frozen.column)
  }

  /// Follows one non-final part of a header's key: into a table, into the last element of an
  /// array of tables, or into a new implicit table.
  private mutating func descendForHeader(
    from table: Int, into component: KeyComponent, header: SourcePosition
  ) throws(ParseFailure) -> Int {
    guard let slotIndex = nodes[table].index[component.name] else {
      return try addTable(to: table, key: component, origin: .implicit, position: header)
    }
    switch nodes[table].slots[slotIndex].content {
    case .table(let child):
      return child
    case .tableArray(let array):
      return tableArrays[array].elements[tableArrays[array].elements.count - 1]
    case .value(let value):
      throw conflict(
        path: path(of: table, appending: component.name), value: value,
        at: component.position)
    }
  }

  /// The error for using a key that holds a finished value as a table.
  private func conflict(path: String, value: TOMLValue, at position: SourcePosition)
    -> ParseFailure
  {
    if case .table = value.kind {
      return ParseFailure(
        position: position,
        message: "cannot extend inline table '\(path)' (defined at line \(value.line))")
    }
    return ParseFailure(
      position: position,
      message:
        "key '\(path)' is already \(Self.article(value.typeName)) (line \(value.line)), "
        + "not a table")
  }

  private mutating func addTable(
    to parent: Int, key: KeyComponent, origin: Origin, position: SourcePosition
  ) throws(ParseFailure) -> Int {
    let child = try newNode(
      parent: parent, origin: origin, position: position, key: key.name, indices: [])
    addSlot(to: parent, key: key, content: .table(child))
    return child
  }

  private mutating func newNode(
    parent: Int, origin: Origin, position: SourcePosition, key: String, indices: [Int]
  ) throws(ParseFailure) -> Int {
    let depth = nodes[parent].depth + 1
    guard depth <= maximumDepth else {
      throw ParseFailure(
        position: position, message: "tables nested deeper than \(maximumDepth) levels")
    }
    nodes.append(
      Node(
        origin: origin, position: position, depth: depth, parent: parent, key: key,
        indices: indices))
    return nodes.count - 1
  }

  private mutating func addSlot(to table: Int, key: KeyComponent, content: Content) {
    nodes[table].index[key.name] = nodes[table].slots.count
    nodes[table].slots.append(Slot(key: key.name, position: key.position, content: content))
  }

  /// "an integer", "a string": the type name with its indefinite article.
  static func article(_ typeName: String) -> String {
    (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
  }
}
