import Testing
import TextTables

/// The one table renderer: `whitlockctl`'s listings and the benchmarks' figures, byte for byte as
/// the renderers it replaced printed them (the docs quote their output).
@Suite struct TextTableTests {
  @Test func aListingPadsEveryColumnButTheLastAndHasNoRule() {
    let table = TextTable(headers: ["A", "LONG HEADING", "Z"], rows: [["wide cell", "x", "end"]])
    #expect(table.render() == "A          LONG HEADING  Z\nwide cell  x             end")
  }

  @Test func aListingRowWithFewerCellsEndsAtItsLastCell() {
    let table = TextTable(headers: ["DEVICE", "ACCESS"], rows: [["/dev/ttyUSB0"]])
    #expect(table.render() == "DEVICE        ACCESS\n/dev/ttyUSB0")
  }

  @Test func figuresAlignNumbersRightUnderARule() {
    var table = TextTable(layout: .figures, headers: ["pixels", "ours/s", "ratio"])
    table.add(["1024", "41000.5", "181×"])
    table.add(["2048", "19000", "115×"])
    #expect(
      table.render() == """
        pixels   ours/s  ratio
        ------  -------  -----
        1024    41000.5   181×
        2048      19000   115×
        """)
  }

  @Test func figuresWithATitlePrintItFirst() {
    let table = TextTable(
      title: "Raw sequential write (dd bs=1M conv=fsync equivalent)", layout: .figures,
      headers: ["size MiB", "MiB/s"], rows: [["256", "1834.2"]])
    #expect(
      table.render() == """
        Raw sequential write (dd bs=1M conv=fsync equivalent)
        size MiB   MiB/s
        --------  ------
        256       1834.2
        """)
  }

  @Test func anEmptyTableIsItsHeadings() {
    #expect(TextTable(headers: ["a", "bb"]).render() == "a  bb")
    #expect(TextTable(layout: .figures, headers: ["a", "bb"]).render() == "a  bb\n-  --")
  }

  @Test func cellsBeyondTheHeadingsArePrintedAsTheyAre() {
    let listing = TextTable(headers: ["a"], rows: [["x", "extra", "more"]])
    #expect(listing.render() == "a\nx  extra  more")
    let figures = TextTable(layout: .figures, headers: ["a"], rows: [["x", "extra"]])
    #expect(figures.render() == "a\n-\nx  extra")
  }
}
