import CHDF5

extension HDF5Group {
  /// Writes numeric dataset `name` of `shape` (a map: rows × columns) from `values` in row-major
  /// order. Maps are written whole once their last point is known.
  @discardableResult
  public func write<Element: HDF5Element>(_ name: String, _ values: [Element], shape: [Int])
    throws(HDF5Error) -> HDF5Dataset
  {
    guard shape.reduce(1, *) == values.count else {
      throw HDF5Error("\(name): \(values.count) values do not fill the shape \(shape)")
    }
    let dataset = try HDF5Dataset.create(
      in: self, name, type: Element.hdf5Type, dimensions: shape)
    if values.isEmpty { return dataset }
    try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
      try HDF5Call.check(
        H5Dwrite(
          dataset.id, Element.hdf5Type, whitlock_h5s_all(), whitlock_h5s_all(),
          whitlock_h5p_default(), buffer.baseAddress), "cannot write \(name)")
    }
    return dataset
  }
}

/// A dataset of rows × columns cells holding a vector of `length` values each (a map's spectra
/// cube: y × x × channel), written a cell at a time as the cells' values arrive, in any order.
///
/// Each cell is one chunk, shuffled and deflate-compressed, so a cell's write is a whole chunk:
/// nothing is read back, no chunk cache is kept, and memory holds no more than the cell being
/// written. Cells never written read as the fill value (0).
public final class HDF5CellVectors<Element: HDF5Element> {
  /// The dataset (for attributes).
  public let dataset: HDF5Dataset
  /// Cells along the first dimension.
  public let rows: Int
  /// Cells along the second dimension.
  public let columns: Int
  /// Values in each cell.
  public let length: Int

  /// Creates dataset `name` in `group` of `rows` × `columns` × `length` values.
  public init(
    in group: HDF5Group, _ name: String, rows: Int, columns: Int, length: Int,
    deflate: Int32 = 4
  ) throws(HDF5Error) {
    guard rows > 0, columns > 0, length > 0 else {
      throw HDF5Error("\(name): a \(rows) × \(columns) × \(length) dataset has no cells")
    }
    self.rows = rows
    self.columns = columns
    self.length = length
    var dimensions: [hsize_t] = [hsize_t(rows), hsize_t(columns), hsize_t(length)]
    var chunk: [hsize_t] = [1, 1, hsize_t(length)]
    let space = try HDF5Call.id(
      H5Screate_simple(3, &dimensions, nil), "cannot create the dataspace of \(name)")
    defer { H5Sclose(space) }
    let properties = try HDF5Call.id(
      H5Pcreate(whitlock_h5p_dataset_create()), "cannot create properties for \(name)")
    defer { H5Pclose(properties) }
    try HDF5Call.check(H5Pset_chunk(properties, 3, &chunk), "cannot chunk \(name)")
    if deflate > 0 {
      try HDF5Call.check(H5Pset_shuffle(properties), "cannot shuffle \(name)")
      try HDF5Call.check(H5Pset_deflate(properties, UInt32(deflate)), "cannot compress \(name)")
    }
    let access = try HDF5Call.id(
      H5Pcreate(whitlock_h5p_dataset_access()), "cannot create access properties for \(name)")
    defer { H5Pclose(access) }
    try HDF5Call.check(
      H5Pset_chunk_cache(access, 0, 0, 1.0), "cannot set the chunk cache of \(name)")
    let id = try HDF5Call.id(
      H5Dcreate2(
        group.id, name, Element.hdf5Type, space, whitlock_h5p_default(), properties, access),
      "cannot create dataset \(name) in \(group.name)")
    dataset = HDF5Dataset(id: id, name: name)
  }

  /// Writes the vector of cell (`row`, `column`).
  public func write(row: Int, column: Int, _ values: [Element]) throws(HDF5Error) {
    guard (0..<rows).contains(row), (0..<columns).contains(column) else {
      throw HDF5Error("\(dataset.name): cell (\(row), \(column)) is outside \(rows) × \(columns)")
    }
    guard values.count == length else {
      throw HDF5Error("\(dataset.name): a cell has \(values.count) values, expected \(length)")
    }
    let fileSpace = try HDF5Call.id(H5Dget_space(dataset.id), "cannot write \(dataset.name)")
    defer { H5Sclose(fileSpace) }
    var offset: [hsize_t] = [hsize_t(row), hsize_t(column), 0]
    var count: [hsize_t] = [1, 1, hsize_t(length)]
    try HDF5Call.check(
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &count, nil),
      "cannot select a cell of \(dataset.name)")
    let memorySpace = try HDF5Call.id(
      H5Screate_simple(3, &count, nil), "cannot write \(dataset.name)")
    defer { H5Sclose(memorySpace) }
    try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
      try HDF5Call.check(
        H5Dwrite(
          dataset.id, Element.hdf5Type, memorySpace, fileSpace, whitlock_h5p_default(),
          buffer.baseAddress), "cannot write a cell of \(dataset.name)")
    }
  }
}
