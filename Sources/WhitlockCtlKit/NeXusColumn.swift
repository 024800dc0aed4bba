import HDF5
import WhitlockCore

/// A growing one-dimensional NeXus field of any of the stored kinds, fed with JSON values.
enum NeXusColumn {
  case number(HDF5AppendableDataset<Double>)
  case integer(HDF5AppendableDataset<Int64>)
  case flag(HDF5AppendableDataset<Int8>)
  case text(HDF5AppendableStrings)

  /// Creates field `name` in `group` for values stored as `storage`.
  init(
    in group: HDF5Group, _ name: String, storage: NeXusResultField.Storage, chunkRows: Int,
    units: String? = nil
  ) throws(HDF5Error) {
    let dataset: HDF5Dataset
    switch storage {
    case .number:
      let column = try HDF5AppendableDataset<Double>(in: group, name, chunkRows: chunkRows)
      dataset = column.dataset
      self = .number(column)
    case .flag:
      let column = try HDF5AppendableDataset<Int8>(in: group, name, chunkRows: chunkRows)
      dataset = column.dataset
      self = .flag(column)
    case .text, .list:
      let column = try HDF5AppendableStrings(in: group, name, chunkRows: chunkRows)
      dataset = column.dataset
      self = .text(column)
    }
    if let units { try dataset.setAttribute("units", units) }
  }

  /// An int64 field.
  static func integers(in group: HDF5Group, _ name: String, chunkRows: Int) throws(HDF5Error)
    -> NeXusColumn
  {
    .integer(try HDF5AppendableDataset<Int64>(in: group, name, chunkRows: chunkRows))
  }

  /// The dataset behind the column.
  var dataset: HDF5Dataset {
    switch self {
    case .number(let column): return column.dataset
    case .integer(let column): return column.dataset
    case .flag(let column): return column.dataset
    case .text(let column): return column.dataset
    }
  }

  /// Appends `value`, or the field's missing value when it is nil, null or of another type.
  func append(_ value: JSONValue?) throws(HDF5Error) {
    switch self {
    case .number(let column): try column.append(value?.doubleValue ?? .nan)
    case .integer(let column): try column.append(Int64(value?.doubleValue ?? 0))
    case .flag(let column):
      if case .bool(let flag)? = value {
        try column.append(flag ? 1 : 0)
      } else {
        try column.append(-1)
      }
    case .text(let column):
      switch value {
      case .string(let text)?: try column.append(text)
      case .array(let items)?:
        try column.append(items.compactMap(\.stringValue).joined(separator: ","))
      default: try column.append("")
      }
    }
  }

  /// Writes pending rows.
  func flush() throws(HDF5Error) {
    switch self {
    case .number(let column): try column.flush()
    case .integer(let column): try column.flush()
    case .flag(let column): try column.flush()
    case .text(let column): try column.flush()
    }
  }
}
