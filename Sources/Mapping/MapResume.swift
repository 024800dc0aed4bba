/// Where a map continues after a crash or power loss, from the plan and the acquisitions the
/// spool already holds for it.
///
/// The rule: the next point is the first (in plan order) without a complete record, and at it
/// only the acquisitions not yet recorded are taken. Every slot of the plan is then acquired
/// exactly once across any number of interruptions: a slot with a record is never taken again
/// (no point twice), and every slot without one is still ahead (none skipped). A record is
/// complete when it is in the spool at all: the spool publishes only whole lines, so a record
/// cut by the crash is not there and its slot counts as missing.
public enum MapResume {
  /// The slots still to acquire, in plan order. Recorded slots that are not in the plan (a
  /// point index past its end, a technique it does not measure) are ignored.
  public static func remaining(plan: ScanPlan, recorded: some Sequence<MapSlot>) -> [MapSlot] {
    let done = Set(recorded)
    return plan.allSlots().filter { !done.contains($0) }
  }

  /// The first point without a complete record and the slots it still needs; `nil` when the
  /// map is complete.
  public static func nextPoint(plan: ScanPlan, recorded: some Sequence<MapSlot>)
    -> (point: ScanPoint, missing: [MapSlot])?
  {
    let done = Set(recorded)
    let points = plan.grid.points
    for point in points {
      let missing = plan.slots(atPoint: point.index).filter { !done.contains($0) }
      if !missing.isEmpty { return (point, missing) }
    }
    return nil
  }
}
