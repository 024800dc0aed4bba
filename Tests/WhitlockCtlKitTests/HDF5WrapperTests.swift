import Foundation
import HDF5
import Testing

/// The HDF5 wrapper against the real library: datasets that grow a chunk at a time read back
/// whole and by rows, attributes of every kind, and the library's reasons in errors.
@Suite struct HDF5WrapperTests {
  static func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("h5-\(UUID().uuidString).h5")
      .path
  }

  @Test func appendedRowsReadBackAcrossChunkBoundaries() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try HDF5File.create(path: path)
    let root = try file.root()
    let group = try root.createGroup("data")
    let spectra = try HDF5AppendableDataset<UInt32>(in: group, "counts", columns: 3, chunkRows: 4)
    let times = try HDF5AppendableDataset<Double>(in: group, "time", chunkRows: 4)
    let names = try HDF5AppendableStrings(in: group, "name", chunkRows: 4)
    for row in 0..<10 {
      try spectra.append([UInt32(row), UInt32(row * 10), UInt32.max - UInt32(row)])
      try times.append(Double(row) / 4)
      try names.append("point-\(row) µ")
    }
    #expect(spectra.rowsWritten == 8)  // two full chunks written, two rows pending
    try spectra.flush()
    try times.flush()
    try names.flush()
    try group.setAttribute("axes", ["time", "channel"])
    try group.setAttribute("signal", "counts")
    try group.setAttribute("index", Int64(7))
    try group.setAttribute("scale", 2.5)
    try file.close()

    let reopened = try HDF5File.open(path: path)
    let data = try reopened.root().group("data")
    let counts = try data.dataset("counts")
    #expect(try counts.shape() == [10, 3])
    let all = try counts.read(as: UInt32.self)
    #expect(all.count == 30)
    #expect(Array(all[27...]) == [9, 90, UInt32.max - 9])
    #expect(
      try counts.readRows(3..<5, as: UInt32.self) == [3, 30, UInt32.max - 3, 4, 40, UInt32.max - 4])
    #expect(try data.dataset("time").read(as: Double.self) == (0..<10).map { Double($0) / 4 })
    #expect(try data.dataset("name").readStrings().last == "point-9 µ")
    #expect(data.stringArrayAttribute("axes") == ["time", "channel"])
    #expect(data.stringAttribute("signal") == "counts")
    #expect(data.numberAttribute("index") == 7)
    #expect(data.numberAttribute("scale") == 2.5)
    #expect(data.stringAttribute("missing") == nil)
    let members = try data.members()
    #expect(members.map(\.name) == ["counts", "name", "time"])
    #expect(members.allSatisfy { $0.kind == .dataset })
  }

  /// Texts longer than a chunk, empty ones and multi-byte characters come back row by row from
  /// the bytes and the row ends.
  @Test func textRowsReadBackFromTheirBytesAndEnds() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try HDF5File.create(path: path)
    let group = try file.root().createGroup("acquisitions")
    let column = try HDF5AppendableText(in: group, "detection", chunkBytes: 16, chunkRows: 3)
    let rows = [
      #"{"phase":"whitlockite","fraction":0.93}"#, "", "µ-Raman ν₁ 966 cm⁻¹",
      String(repeating: "x", count: 40), "{}",
    ]
    for row in rows { try column.append(row) }
    #expect(column.count == rows.count)
    try column.flush()
    try file.close()

    let reopened = try HDF5File.open(path: path).root().group("acquisitions")
    let bytes = try reopened.dataset("detection").read(as: UInt8.self)
    let ends = try reopened.dataset("detection_end").read(as: Int64.self).map { Int($0) }
    #expect(ends.count == rows.count)
    let starts = [0] + ends.dropLast()
    let texts = zip(starts, ends).map { String(decoding: bytes[$0..<$1], as: UTF8.self) }
    #expect(texts == rows)
    #expect(try reopened.dataset("detection").stringAttribute("row_ends") == "detection_end")
  }

  @Test func errorsCarryTheLibrarysReason() throws {
    #expect {
      try HDF5File.create(path: "/nonexistent-directory/file.h5")
    } throws: { error in
      "\(error)".contains("cannot create HDF5 file /nonexistent-directory/file.h5")
        && "\(error)".contains("unable to")
    }
    let text = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: text) }
    try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
    #expect {
      try HDF5File.open(path: text)
    } throws: { error in
      "\(error)" == "\(text) is not an HDF5 file"
    }
  }
}
