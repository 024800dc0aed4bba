import SampleModels
import Testing
import WhitlockCore

@testable import Simulation

@Suite struct SimulatedSampleScheduleTests {
  @Test func pointsAreDeterministicAndChangeEveryNAcquisitions() {
    let schedule = SimulatedSampleSchedule(seed: 99, acquisitionsPerPoint: 3)
    #expect(schedule.point(forAcquisition: 0) == schedule.point(forAcquisition: 2))
    #expect(schedule.point(forAcquisition: 3).index == 1)
    #expect(schedule.point(forAcquisition: 3).pointID == "P000001")
    #expect(schedule.point(at: 17) == SimulatedSampleSchedule(seed: 99).point(at: 17))
    #expect(schedule.point(at: 17) != SimulatedSampleSchedule(seed: 98).point(at: 17))
  }

  @Test func compositionMixAndCorrelationsArePlausible() {
    let schedule = SimulatedSampleSchedule(seed: 5)
    let points = (0..<600).map { schedule.point(at: $0) }
    let phosphate = points.filter { $0.raman.calcification == .phosphate }
    let oxalate = points.filter { $0.raman.calcification == .oxalate }
    let none = points.filter { $0.raman.calcification == .none }
    #expect(phosphate.count > 300 && phosphate.count < 420)
    #expect(oxalate.count > 80 && oxalate.count < 160)
    #expect(none.count > 80)
    for point in phosphate {
      let fraction = point.raman.whitlockiteFraction
      #expect(fraction >= 0 && fraction <= 0.7)
      // Mg/Ca is whitlockite's 0.111 × fraction plus at most 0.01 substituted into apatite.
      #expect(abs(point.xrf.mgToCaMolar - 0.111 * fraction) < 0.011)
      #expect(point.truth["whitlockite_fraction"]?.doubleValue == fraction)
    }
    for point in oxalate + none { #expect(point.truth["whitlockite_fraction"] == .null) }
    #expect(points[0].truth["point_id"] == .string("P000000"))
  }
}
