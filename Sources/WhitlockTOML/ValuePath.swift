/// Where a value being parsed sits: a key in a table and any array indices below it.
///
/// Cheap to pass down (the key string is shared, not copied) and turned into text such as
/// `a.b[2][0]` only when an error message needs it.
struct ValuePath {
  /// The table holding the key, as a `TableTree` index.
  let table: Int
  /// The key in that table.
  let key: String
  /// The array indices from the key's value down to this value.
  var indices: [Int] = []

  /// The path of element `index` of the array at this path.
  func appending(index: Int) -> ValuePath {
    var path = self
    path.indices.append(index)
    return path
  }
}
