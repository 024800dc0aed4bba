/// The live page served at `/`.
enum MonitorPage {
  static let html = "<!doctype html><title>whitlockd</title>"
}
