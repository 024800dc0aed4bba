import CHDF5

/// A dataset that grows along its first dimension: one row per appended item (a scalar, or a
/// spectrum of `columns` values). Chunked, deflate-compressed, and written a chunk at a time, so
/// memory holds at most one chunk of rows however long the dataset becomes.
public final class HDF5AppendableDataset<Element: HDF5Element> {
  /// The dataset (for attributes).
  public let dataset: HDF5Dataset
  /// Values per row; nil for a one-dimensional dataset.
  public let columns: Int?
  /// Rows per chunk: the unit of compression and of writing.
  public let chunkRows: Int
  /// Rows written to the file so far.
  public private(set) var rowsWritten = 0
  private var pending: [Element] = []

  /// Creates dataset `name` in `group`, empty, with an unlimited first dimension.
  public init(
    in group: HDF5Group, _ name: String, columns: Int? = nil, chunkRows: Int, deflate: Int32 = 4
  ) throws(HDF5Error) {
    self.columns = columns
    self.chunkRows = max(1, chunkRows)
    dataset = try makeExtendableDataset(
      in: group, name, type: Element.hdf5Type, columns: columns, chunkRows: self.chunkRows,
      deflate: deflate)
    pending.reserveCapacity(self.chunkRows * (columns ?? 1))
  }

  /// Rows appended so far, written or pending.
  public var count: Int { rowsWritten + pending.count / (columns ?? 1) }

  /// Appends one row of `columns` values (one value for a one-dimensional dataset).
  public func append(_ row: some Collection<Element>) throws(HDF5Error) {
    guard row.count == (columns ?? 1) else {
      throw HDF5Error("\(dataset.name): a row has \(row.count) values, expected \(columns ?? 1)")
    }
    pending.append(contentsOf: row)
    if pending.count >= chunkRows * (columns ?? 1) { try flush() }
  }

  /// Appends one value to a one-dimensional dataset.
  public func append(_ value: Element) throws(HDF5Error) { try append(CollectionOfOne(value)) }

  /// Appends many values to a one-dimensional dataset, a chunk written whenever one is full.
  public func append(values: some Collection<Element>) throws(HDF5Error) {
    try Array(values).withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
      try append(buffer: buffer)
    }
  }

  /// Appends the values in `buffer` to a one-dimensional dataset, a chunk written whenever one
  /// is full.
  public func append(buffer values: UnsafeBufferPointer<Element>) throws(HDF5Error) {
    guard columns == nil else {
      throw HDF5Error("\(dataset.name): append(values:) is for one-dimensional datasets")
    }
    var next = 0
    while next < values.count {
      let take = min(chunkRows - pending.count, values.count - next)
      pending.append(contentsOf: UnsafeBufferPointer(rebasing: values[next..<next + take]))
      next += take
      if pending.count >= chunkRows { try flush() }
    }
  }

  /// Writes the pending rows to the file.
  public func flush() throws(HDF5Error) {
    let rows = pending.count / (columns ?? 1)
    guard rows > 0 else { return }
    try pending.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
      try writeRows(
        dataset, type: Element.hdf5Type, at: rowsWritten, rows: rows, columns: columns,
        buffer: UnsafeRawPointer(buffer.baseAddress!))
    }
    rowsWritten += rows
    pending.removeAll(keepingCapacity: true)
  }
}

/// A growing one-dimensional dataset of variable-length UTF-8 strings.
public final class HDF5AppendableStrings {
  /// The dataset (for attributes).
  public let dataset: HDF5Dataset
  /// Rows per chunk.
  public let chunkRows: Int
  /// Rows written to the file so far.
  public private(set) var rowsWritten = 0
  private var pending: [String] = []
  private let type: hid_t

  /// Creates dataset `name` in `group`, empty, with an unlimited dimension.
  public init(in group: HDF5Group, _ name: String, chunkRows: Int, deflate: Int32 = 4)
    throws(HDF5Error)
  {
    self.chunkRows = max(1, chunkRows)
    type = try makeStringType()
    dataset = try makeExtendableDataset(
      in: group, name, type: type, columns: nil, chunkRows: self.chunkRows, deflate: deflate)
  }

  deinit { H5Tclose(type) }

  /// Rows appended so far, written or pending.
  public var count: Int { rowsWritten + pending.count }

  /// Appends one string.
  public func append(_ value: String) throws(HDF5Error) {
    pending.append(value)
    if pending.count >= chunkRows { try flush() }
  }

  /// Writes the pending rows to the file.
  public func flush() throws(HDF5Error) {
    guard !pending.isEmpty else { return }
    let rows = pending.count
    let start = rowsWritten
    let dataset = dataset
    let type = type
    try withCStrings(pending) { (pointers) throws(HDF5Error) in
      try pointers.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
        try writeRows(
          dataset, type: type, at: start, rows: rows, columns: nil,
          buffer: UnsafeRawPointer(buffer.baseAddress!))
      }
    }
    rowsWritten += rows
    pending.removeAll(keepingCapacity: true)
  }
}

/// Creates an empty chunked dataset with an unlimited first dimension.
private func makeExtendableDataset(
  in group: HDF5Group, _ name: String, type: hid_t, columns: Int?, chunkRows: Int, deflate: Int32
) throws(HDF5Error) -> HDF5Dataset {
  var current: [hsize_t] = columns.map { [0, hsize_t($0)] } ?? [0]
  var maximum: [hsize_t] =
    columns.map { [whitlock_h5s_unlimited(), hsize_t($0)] } ?? [whitlock_h5s_unlimited()]
  var chunk: [hsize_t] = columns.map { [hsize_t(chunkRows), hsize_t($0)] } ?? [hsize_t(chunkRows)]
  let space = try HDF5Call.id(
    H5Screate_simple(Int32(current.count), &current, &maximum),
    "cannot create the dataspace of \(name)")
  defer { H5Sclose(space) }
  let properties = try HDF5Call.id(
    H5Pcreate(whitlock_h5p_dataset_create()), "cannot create properties for \(name)")
  defer { H5Pclose(properties) }
  try HDF5Call.check(
    H5Pset_chunk(properties, Int32(chunk.count), &chunk), "cannot chunk \(name)")
  if deflate > 0 {
    try HDF5Call.check(H5Pset_shuffle(properties), "cannot shuffle \(name)")
    try HDF5Call.check(H5Pset_deflate(properties, UInt32(deflate)), "cannot compress \(name)")
  }
  // No chunk cache: rows are written a whole chunk at a time and never read back, and a cache
  // (1 MiB per dataset by default) would keep the last written chunks of every field, memory
  // that grows with the file up to that size times the number of fields.
  let access = try HDF5Call.id(
    H5Pcreate(whitlock_h5p_dataset_access()), "cannot create access properties for \(name)")
  defer { H5Pclose(access) }
  try HDF5Call.check(
    H5Pset_chunk_cache(access, 0, 0, 1.0), "cannot set the chunk cache of \(name)")
  let id = try HDF5Call.id(
    H5Dcreate2(group.id, name, type, space, whitlock_h5p_default(), properties, access),
    "cannot create dataset \(name) in \(group.name)")
  return HDF5Dataset(id: id, name: name)
}

/// Extends `dataset` to `start + rows` rows and writes `rows` rows from `buffer` at `start`.
private func writeRows(
  _ dataset: HDF5Dataset, type: hid_t, at start: Int, rows: Int, columns: Int?,
  buffer: UnsafeRawPointer
) throws(HDF5Error) {
  var extent: [hsize_t] =
    columns.map { [hsize_t(start + rows), hsize_t($0)] } ?? [hsize_t(start + rows)]
  try HDF5Call.check(H5Dset_extent(dataset.id, &extent), "cannot extend \(dataset.name)")
  let fileSpace = try HDF5Call.id(H5Dget_space(dataset.id), "cannot write \(dataset.name)")
  defer { H5Sclose(fileSpace) }
  var offset: [hsize_t] = columns.map { _ in [hsize_t(start), 0] } ?? [hsize_t(start)]
  var count: [hsize_t] = columns.map { [hsize_t(rows), hsize_t($0)] } ?? [hsize_t(rows)]
  try HDF5Call.check(
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &count, nil),
    "cannot select rows of \(dataset.name)")
  let memorySpace = try HDF5Call.id(
    H5Screate_simple(Int32(count.count), &count, nil), "cannot write \(dataset.name)")
  defer { H5Sclose(memorySpace) }
  try HDF5Call.check(
    H5Dwrite(dataset.id, type, memorySpace, fileSpace, whitlock_h5p_default(), buffer),
    "cannot write rows of \(dataset.name)")
}
