import CHDF5

/// An open HDF5 dataset: its shape, and reading its values back.
public final class HDF5Dataset: HDF5Object {
  public let id: hid_t
  /// The dataset's name within its group.
  public let name: String

  init(id: hid_t, name: String) {
    self.id = id
    self.name = name
  }

  deinit { H5Dclose(id) }

  /// Creates a contiguous dataset: scalar when `dimensions` is nil.
  static func create(in group: HDF5Group, _ name: String, type: hid_t, dimensions: [Int]?)
    throws(HDF5Error) -> HDF5Dataset
  {
    var sizes = (dimensions ?? []).map { hsize_t($0) }
    let space = try HDF5Call.id(
      dimensions == nil ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(sizes.count), &sizes, nil),
      "cannot create the dataspace of \(name)")
    defer { H5Sclose(space) }
    let id = try HDF5Call.id(
      H5Dcreate2(
        group.id, name, type, space, whitlock_h5p_default(), whitlock_h5p_default(),
        whitlock_h5p_default()), "cannot create dataset \(name) in \(group.name)")
    return HDF5Dataset(id: id, name: name)
  }

  /// The current extent of each dimension (empty for a scalar).
  public func shape() throws(HDF5Error) -> [Int] {
    let space = try HDF5Call.id(H5Dget_space(id), "cannot read the shape of \(name)")
    defer { H5Sclose(space) }
    let rank = H5Sget_simple_extent_ndims(space)
    guard rank >= 0 else { throw HDF5Error.fromStack("cannot read the shape of \(name)") }
    var sizes = [hsize_t](repeating: 0, count: Int(rank))
    H5Sget_simple_extent_dims(space, &sizes, nil)
    return sizes.map { Int($0) }
  }

  /// Whether the stored values are strings.
  public func holdsStrings() -> Bool {
    let type = H5Dget_type(id)
    guard type >= 0 else { return false }
    defer { H5Tclose(type) }
    return H5Tget_class(type) == H5T_STRING
  }

  /// Every value, converted to `Element` by the library (row-major for 2-D datasets).
  public func read<Element: HDF5Element>(as _: Element.Type = Element.self) throws(HDF5Error)
    -> [Element]
  {
    let count = try shape().reduce(1, *)
    var values = [Element](repeating: Element.fillValue, count: count)
    if count == 0 { return values }
    try values.withUnsafeMutableBufferPointer { (buffer) throws(HDF5Error) in
      try HDF5Call.check(
        H5Dread(
          id, Element.hdf5Type, whitlock_h5s_all(), whitlock_h5s_all(), whitlock_h5p_default(),
          buffer.baseAddress), "cannot read \(name)")
    }
    return values
  }

  /// Rows `rows` of a two-dimensional dataset (row-major), read through a hyperslab so only
  /// those rows are in memory.
  public func readRows<Element: HDF5Element>(_ rows: Range<Int>, as _: Element.Type = Element.self)
    throws(HDF5Error) -> [Element]
  {
    let dimensions = try shape()
    guard dimensions.count == 2, rows.lowerBound >= 0, rows.upperBound <= dimensions[0] else {
      throw HDF5Error("\(name): rows \(rows) are outside its shape \(dimensions)")
    }
    var values = [Element](repeating: Element.fillValue, count: rows.count * dimensions[1])
    if values.isEmpty { return values }
    let fileSpace = try HDF5Call.id(H5Dget_space(id), "cannot read \(name)")
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t(rows.lowerBound), 0]
    var count = [hsize_t(rows.count), hsize_t(dimensions[1])]
    try HDF5Call.check(
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil),
      "cannot select rows of \(name)")
    let memorySpace = try HDF5Call.id(H5Screate_simple(2, &count, nil), "cannot read \(name)")
    defer { H5Sclose(memorySpace) }
    try values.withUnsafeMutableBufferPointer { (buffer) throws(HDF5Error) in
      try HDF5Call.check(
        H5Dread(
          id, Element.hdf5Type, memorySpace, fileSpace, whitlock_h5p_default(),
          buffer.baseAddress), "cannot read rows of \(name)")
    }
    return values
  }

  /// Every value of a string dataset (a scalar gives one element).
  public func readStrings() throws(HDF5Error) -> [String] {
    let count = max(1, try shape().reduce(1, *))
    let fileType = try HDF5Call.id(H5Dget_type(id), "cannot read \(name)")
    defer { H5Tclose(fileType) }
    guard H5Tget_class(fileType) == H5T_STRING else {
      throw HDF5Error("\(name) does not hold strings")
    }
    if H5Tis_variable_str(fileType) > 0 {
      let memoryType = try makeStringType()
      defer { H5Tclose(memoryType) }
      let space = try HDF5Call.id(H5Dget_space(id), "cannot read \(name)")
      defer { H5Sclose(space) }
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      try HDF5Call.check(
        H5Dread(
          id, memoryType, whitlock_h5s_all(), whitlock_h5s_all(), whitlock_h5p_default(),
          &pointers), "cannot read \(name)")
      defer { H5Dvlen_reclaim(memoryType, space, whitlock_h5p_default(), &pointers) }
      return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(fileType)
    var bytes = [UInt8](repeating: 0, count: size * count)
    try HDF5Call.check(
      H5Dread(
        id, fileType, whitlock_h5s_all(), whitlock_h5s_all(), whitlock_h5p_default(), &bytes),
      "cannot read \(name)")
    return (0..<count).map { index in
      String(
        decoding: bytes[(index * size)..<((index + 1) * size)].prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}
