import InstrumentFamilies
import Testing
import WhitlockConfiguration

@Suite("[ship] configuration")
struct ShipConfigurationTests {
  static let instrument = "[[instrument]]\nid = \"r\"\nkind = \"raman\"\ndriver = \"simulated\"\n"

  @Test("a valid [ship] table, and none without it")
  func valid() throws {
    let configuration = try ConfigurationLoader.parse(
      Self.instrument
        + "[ship]\npostgres = \"postgres://whitlock@db:5433/lab?sslmode=require\"\n"
        + "password_file = \"/etc/whitlockd/pg\"\nafter_ship = \"delete\"\nretry_max_s = 5\n"
        + "deadline_s = 2.5\n",
      source: "t.toml")
    let ship = try #require(configuration.ship)
    #expect(ship.url.description == "postgres://whitlock@db:5433/lab?sslmode=require")
    #expect(ship.passwordFile == "/etc/whitlockd/pg")
    #expect(ship.disposal == .delete)
    #expect(ship.retryMaxSeconds == 5)
    #expect(ship.deadlineSeconds == 2.5)
    #expect(try ConfigurationLoader.parse(Self.instrument, source: "t.toml").ship == nil)
    #expect(
      try ConfigurationLoader.parse(Self.instrument + "[ship]\nenabled = false\n", source: "t.toml")
        .ship == nil)
  }

  @Test(
    "mistakes name the file, line and key",
    arguments: [
      ("[ship]\nafter_ship = \"move\"\n", "t.toml:5: ship.postgres: required key is missing"),
      (
        "[ship]\npostgres = \"postgres://u:secret@h/d\"\n",
        "t.toml:6: ship.postgres: must not contain a password"
      ),
      (
        "[ship]\npostgres = \"postgres://u@h/d?sslmode=on\"\n",
        "t.toml:6: ship.postgres: sslmode \"on\" is not one of"
      ),
      (
        "[ship]\npostgres = \"postgres://u@h/d\"\nafter_shipp = \"move\"\n",
        "t.toml:7: ship.after_shipp: unknown key (did you mean \"after_ship\"?)"
      ),
      (
        "[ship]\npostgres = \"postgres://u@h/d\"\ndeadline_s = 0.5\n",
        "t.toml:7: ship.deadline_s: 0.5 s is outside 1.0…3600.0 s"
      ),
      (
        "[ship]\npostgres = \"postgres://u@h/d\"\nafter_ship = \"keep\"\n",
        "t.toml:7: ship.after_ship: \"keep\" is not one of \"move\", \"delete\""
      ),
    ])
  func mistakes(text: String, message: String) {
    #expect {
      try ConfigurationLoader.parse(Self.instrument + text, source: "t.toml")
    } throws: { error in
      "\(error)".hasPrefix(message)
    }
  }
}
