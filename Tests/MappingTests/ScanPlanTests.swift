import Mapping
import Testing
import WhitlockCore

@Suite struct ScanPlanTests {
  private func rectangle(
    width: Double = 20, height: Double = 10, step: Double = 10, order: ScanOrder = .snake
  ) throws -> ScanPlan {
    try ScanPlan(
      id: "map-1",
      region: .rectangle(origin: StagePosition(x: 100, y: 200), width: width, height: height),
      step: step, order: order, settleSeconds: 0.05,
      exposures: ScanExposures(ramanSeconds: 0.1), repeats: 1)
  }

  /// 3 × 2 points; the second row runs backwards in snake order.
  @Test func snakeOrderReversesEveryOtherRow() throws {
    let grid = try rectangle().grid
    #expect(grid.columns == 3 && grid.rows == 2)
    #expect(grid.points.map(\.column) == [0, 1, 2, 2, 1, 0])
    #expect(grid.points.map(\.row) == [0, 0, 0, 1, 1, 1])
    #expect(grid.points.map(\.index) == Array(0..<6))
    #expect(grid.points[3].position == StagePosition(x: 120, y: 210))
  }

  @Test func rasterOrderStartsEveryRowAtItsSmallestX() throws {
    #expect(try rectangle(order: .raster).grid.points.map(\.column) == [0, 1, 2, 0, 1, 2])
  }

  /// The far edge is on the grid when the size is a whole number of steps, even with rounding.
  @Test func edgesOnTheStepAreIncluded() throws {
    let grid = try rectangle(width: 0.3, height: 0, step: 0.1).grid
    #expect(grid.points.count == 4)
    #expect(try rectangle(width: 0, height: 0).grid.points.count == 1)
    #expect(try rectangle(width: 25, height: 0).grid.points.count == 3)
  }

  /// A right triangle keeps the points on or under its hypotenuse.
  @Test func polygonsKeepTheirInsideAndEdges() throws {
    let plan = try ScanPlan(
      id: "tri",
      region: .polygon([
        StagePosition(x: 0, y: 0), StagePosition(x: 20, y: 0), StagePosition(x: 0, y: 20),
      ]),
      step: 10, exposures: ScanExposures(xrfSeconds: 1))
    let cells = plan.grid.points.map { [$0.column, $0.row] }
    #expect(cells == [[0, 0], [1, 0], [2, 0], [1, 1], [0, 1], [0, 2]])
  }

  @Test func slotsFollowTechniqueThenRepeat() throws {
    let plan = try ScanPlan(
      id: "both", region: .rectangle(origin: StagePosition(x: 0, y: 0), width: 0, height: 0),
      step: 1,
      exposures: ScanExposures(ramanSeconds: 0.1, xrfSeconds: 2), repeats: 2)
    #expect(
      plan.slots(atPoint: 0).map(\.description) == [
        "point 0 raman #0", "point 0 raman #1", "point 0 xrf #0", "point 0 xrf #1",
      ])
    #expect(plan.allSlots() == plan.allSlots().sorted())
  }

  static let invalid: [(String, @Sendable () throws(ScanPlanError) -> ScanPlan)] = [
    (
      "map_id",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 1,
          exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "step_um",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 0,
          exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "step_um",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1e6, height: 1e6),
          step: 0.5, exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "region",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: -1, height: 1), step: 1,
          exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "region",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .polygon([.init(x: 0, y: 0), .init(x: 1, y: 1)]), step: 1,
          exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "region",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .polygon([.init(x: 0, y: 5), .init(x: 5, y: 0), .init(x: 5, y: 5)]),
          step: 10, exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "exposures",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 1,
          exposures: .init())
      }
    ),
    (
      "exposures.xrf_s",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 1,
          exposures: .init(xrfSeconds: -2))
      }
    ),
    (
      "settle_s",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 1,
          settleSeconds: .nan, exposures: .init(ramanSeconds: 1))
      }
    ),
    (
      "repeats",
      { () throws(ScanPlanError) in
        try ScanPlan(
          id: "m", region: .rectangle(origin: .init(x: 0, y: 0), width: 1, height: 1), step: 1,
          exposures: .init(ramanSeconds: 1), repeats: 0)
      }
    ),
  ]

  @Test(arguments: invalid.indices)
  func invalidPlansNameTheMemberAtFault(index: Int) {
    let (member, make) = Self.invalid[index]
    do throws(ScanPlanError) {
      _ = try make()
      Issue.record("a plan with a bad \(member) was made")
    } catch {
      #expect(error.member == member, "\(error)")
    }
  }
}
