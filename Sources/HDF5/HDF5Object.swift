import CHDF5

/// An open HDF5 group or dataset: something that carries attributes.
public protocol HDF5Object: AnyObject {
  /// The open identifier (closed when the object is released).
  var id: hid_t { get }
}

extension HDF5Object {
  /// Sets string attribute `name` (replacing an existing one).
  public func setAttribute(_ name: String, _ value: String) throws(HDF5Error) {
    try writeStringAttribute(name, [value], scalar: true)
  }

  /// Sets a one-dimensional string-array attribute, such as NeXus `@axes`.
  public func setAttribute(_ name: String, _ values: [String]) throws(HDF5Error) {
    try writeStringAttribute(name, values, scalar: false)
  }

  /// Sets a scalar floating-point attribute.
  public func setAttribute(_ name: String, _ value: Double) throws(HDF5Error) {
    try writeNumericAttribute(name, value)
  }

  /// Sets a scalar integer attribute.
  public func setAttribute(_ name: String, _ value: Int64) throws(HDF5Error) {
    try writeNumericAttribute(name, value)
  }

  /// The string attribute `name` (a scalar or the first element of an array), or nil when there
  /// is none or it is not a string.
  public func stringAttribute(_ name: String) -> String? { stringArrayAttribute(name)?.first }

  /// The string-array attribute `name`, or nil when there is none or it is not a string.
  public func stringArrayAttribute(_ name: String) -> [String]? {
    _ = HDF5Library.prepared
    guard H5Aexists(id, name) > 0 else { return nil }
    let attribute = H5Aopen(id, name, whitlock_h5p_default())
    guard attribute >= 0 else { return nil }
    defer { H5Aclose(attribute) }
    let fileType = H5Aget_type(attribute)
    guard fileType >= 0 else { return nil }
    defer { H5Tclose(fileType) }
    guard H5Tget_class(fileType) == H5T_STRING else { return nil }
    let space = H5Aget_space(attribute)
    defer { H5Sclose(space) }
    let count = max(1, Int(H5Sget_simple_extent_npoints(space)))
    if H5Tis_variable_str(fileType) > 0 {
      guard let memoryType = try? makeStringType() else { return nil }
      defer { H5Tclose(memoryType) }
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      guard H5Aread(attribute, memoryType, &pointers) >= 0 else { return nil }
      defer { H5Dvlen_reclaim(memoryType, space, whitlock_h5p_default(), &pointers) }
      return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(fileType)
    var bytes = [UInt8](repeating: 0, count: size * count)
    guard H5Aread(attribute, fileType, &bytes) >= 0 else { return nil }
    return (0..<count).map { index in
      let slice = bytes[(index * size)..<((index + 1) * size)]
      return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// The numeric attribute `name` as a Double, or nil.
  public func numberAttribute(_ name: String) -> Double? {
    _ = HDF5Library.prepared
    guard H5Aexists(id, name) > 0 else { return nil }
    let attribute = H5Aopen(id, name, whitlock_h5p_default())
    guard attribute >= 0 else { return nil }
    defer { H5Aclose(attribute) }
    var value = 0.0
    guard H5Aread(attribute, Double.hdf5Type, &value) >= 0 else { return nil }
    return value
  }

  private func replaceAttribute(_ name: String) throws(HDF5Error) {
    _ = HDF5Library.prepared
    if H5Aexists(id, name) > 0 {
      try HDF5Call.check(H5Adelete(id, name), "replace attribute \(name)")
    }
  }

  private func writeStringAttribute(_ name: String, _ values: [String], scalar: Bool)
    throws(HDF5Error)
  {
    try replaceAttribute(name)
    let type = try makeStringType()
    defer { H5Tclose(type) }
    var dimensions = [hsize_t(values.count)]
    let space = try HDF5Call.id(
      scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dimensions, nil),
      "create attribute space")
    defer { H5Sclose(space) }
    let attribute = try HDF5Call.id(
      H5Acreate2(id, name, type, space, whitlock_h5p_default(), whitlock_h5p_default()),
      "create attribute \(name)")
    defer { H5Aclose(attribute) }
    try withCStrings(values) { (pointers) throws(HDF5Error) in
      var array = pointers
      try HDF5Call.check(H5Awrite(attribute, type, &array), "write attribute \(name)")
    }
  }

  private func writeNumericAttribute<Element: HDF5Element>(_ name: String, _ value: Element)
    throws(HDF5Error)
  {
    try replaceAttribute(name)
    let space = try HDF5Call.id(H5Screate(H5S_SCALAR), "create attribute space")
    defer { H5Sclose(space) }
    let attribute = try HDF5Call.id(
      H5Acreate2(
        id, name, Element.hdf5Type, space, whitlock_h5p_default(), whitlock_h5p_default()),
      "create attribute \(name)")
    defer { H5Aclose(attribute) }
    var copy = value
    let status = withUnsafePointer(to: &copy) { H5Awrite(attribute, Element.hdf5Type, $0) }
    try HDF5Call.check(status, "write attribute \(name)")
  }
}
