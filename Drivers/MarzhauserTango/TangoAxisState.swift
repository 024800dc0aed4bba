/// One character of the `?statusaxis` reply, one per axis in the order x, y, z, a: `@` the axis
/// stands still, `M` it is moving, `-` it is not present (as Märzhäuser's Micro-Manager adapter
/// reads it: busy while the x or y character is `M`). Other characters are kept as they came.
public enum TangoAxisState: Sendable, Hashable {
  /// `@`: at rest.
  case idle
  /// `M`: moving.
  case moving
  /// `-`: not fitted.
  case absent
  /// Any other character, as received.
  case other(Character)

  /// The state a status character stands for.
  public init(_ character: Character) {
    switch character {
    case "@": self = .idle
    case "M": self = .moving
    case "-": self = .absent
    default: self = .other(character)
    }
  }

  /// The character on the wire.
  public var character: Character {
    switch self {
    case .idle: "@"
    case .moving: "M"
    case .absent: "-"
    case .other(let character): character
    }
  }

  /// Parses a `?statusaxis` reply into one state per character.
  public static func parse(_ line: String) -> [TangoAxisState] { line.map(TangoAxisState.init) }
}
