import Testing

/// The lines `swift test` ends with: one for each optional part, and the command for everything.
@Suite struct RunSummaryTests {
    @Test func onePartALineWithTheReasonAndTheWayToRunEverything() {
        let notes = [
            RunSummary.Note(part: "PostgreSQL", missing: "TASKMANAGER_TEST_POSTGRES_URL is not set", requiredInCI: false),
            RunSummary.Note(part: "browser", missing: "no chromium (apt-get install chromium)"),
            RunSummary.Note(part: "authlib", missing: nil),
        ]
        #expect(RunSummary.text(notes, inCI: false) == """

            Optional parts of the tests, on this machine:
              skipped  PostgreSQL: TASKMANAGER_TEST_POSTGRES_URL is not set
              skipped  browser: no chromium (apt-get install chromium)
              runs     authlib
              Everything, as CI runs it: sudo .ci/run (installs PostgreSQL, Chromium, the Python packages and the docs assets, then runs swift test)

            """)
        let inCI = RunSummary.text(notes, inCI: true)
        #expect(inCI.contains("  skipped  PostgreSQL"))
        #expect(inCI.contains("  FAILED   browser: no chromium (apt-get install chromium) (CI is set, so it ran and failed)"))
        #expect(!RunSummary.text([notes[2]], inCI: false).contains(".ci/run"))
    }
}
