import Foundation
import Testing

/// The README's shell blocks are one script: every ```sh block not skipped below runs, in README
/// order, in one `bash` (`set -Eeuo pipefail`) against the built binary, with the few
/// substitutions listed below and nothing else. `curl` is a function there that keeps each
/// answer's status and body: the Nth call is the Nth `curl` of the README's text, and the comment
/// after its command says what it answers — `# 401 {"detail":"Not authenticated"}`,
/// `# 403: a viewer`, `# 200, alice's "Milk"`: a status first (else any 2xx), then JSON objects
/// whose keys the answer must hold with those values and double-quoted strings it must contain
/// (for each curl of a command that has several). The browser step of the app sign-in is
/// `walkthrough_browser`: the sign-in page over HTTP. A README that drifts from the server fails
/// here. Without pyotp for python3 the second-factor blocks are left out, except in CI (`CI` set).
/// The README's shell is read by `ReadmeShell` (Support/).
@Suite struct ReadmeWalkthroughTests {
    /// The blocks that do not run here, by the command their first line starts with (its comment
    /// left off), each with the reason. Each matches one block.
    static let skipped: KeyValuePairs<String, String> = [
        "swift run taskmanager": "the set-up itself: the test starts the built binary on a free port instead",
        "swift build -c release --product tm": "tm, built in release and signed in through a browser; TmLiveTests runs its commands",
        "scripts/fetch-docs-assets": "it downloads Swagger UI's wheel: it needs the network",
        "export TASKMANAGER_DATABASE_URL='postgres://taskmanager:secret@db.internal:5432/taskmanager?sslmode=verify-full'":
            "it needs the reader's own PostgreSQL (LivePostgresTests run processes side by side on one)",
        "apt-get install wrk": "the benchmark: it installs wrk, builds in release and runs for minutes",
    ]

    static func isSkipped(_ block: ReadmeShell.Block) -> Bool { skipped.contains { block.starts(with: $0.key) } }

    /// Everything that differs from the reader's shell: plain text replaced on every line of a
    /// block that runs. Each must still match something.
    static func substitutions(port: Int, binary: String) -> [(readme: String, here: String)] {
        [
            ("localhost:8000", "127.0.0.1:\(port)"),  // the server's free port
            ("127.0.0.1:8000", "127.0.0.1:\(port)"),
            ("swift run taskmanager", "'\(binary)'"),  // the built binary, on the server's database (TASKMANAGER_DATABASE_URL)
            // The reader's browser: the sign-in page over HTTP, as alice, Allow.
            ("read -r -p 'The code from that address: ' CODE",
             "CODE=$(walkthrough_browser \"$AUTHORIZE\" alice 'correct horse battery staple')"),
        ]
    }

    /// Defined before the README's lines: the recording `curl` and the browser.
    static let harness = #"""
        set -Eeuo pipefail
        shopt -s inherit_errexit
        trap 'echo "walkthrough: status $? at line $LINENO (called from line ${BASH_LINENO[0]:-0})" >&2' ERR
        echo 0 >"$WALKTHROUGH_CALLS/count"
        curl() {
          local n
          n=$(( $(<"$WALKTHROUGH_CALLS/count") + 1 ))
          echo "$n" >"$WALKTHROUGH_CALLS/count"
          echo "${BASH_LINENO[0]}" >"$WALKTHROUGH_CALLS/$n.line"
          command curl --max-time 60 -D "$WALKTHROUGH_CALLS/$n.head" "$@" | tee "$WALKTHROUGH_CALLS/$n.body"
        }
        walkthrough_browser() {
          local jar="$WALKTHROUGH_CALLS/cookies" request answer
          request=$(command curl -s --max-time 60 -c "$jar" "$1" | sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p')
          answer=$(command curl -s --max-time 60 -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' "${1%%\?*}" \
                   --data-urlencode "request=$request" --data-urlencode "username=$2" --data-urlencode "password=$3" -d action=allow)
          [[ $answer == "303 "* ]] || { echo "walkthrough: the sign-in page answered $answer" >&2; return 1; }
          python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlsplit(sys.argv[1]).query)["code"][0])' "${answer#303 }"
        }
        """#

    static let missing: String? = RunSummary.note(
        "the README's shell blocks run top to bottom against the binary",
        missing: ["bash", "curl", "python3", "openssl"].first { findExecutable($0) == nil }.map { "no \($0) on the PATH" })
    /// The second factor's blocks use pyotp as the authenticator app; without it the rest runs.
    static let authenticatorMissing: String? = RunSummary.note(
        "the README's second-factor blocks (pyotp as the authenticator app)",
        missing: (try? Binary.runTool("python3", ["-c", "import pyotp"]))?.status == 0 ? nil : "no pyotp for python3 (pip install pyotp)")

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "README walk-through skipped: \(missing ?? "")"))
    func theShellBlocksRunTopToBottom() async throws {
        if let missing = Self.missing ?? (RunSummary.inCI ? Self.authenticatorMissing : nil) {
            Issue.record("the README walk-through cannot run in CI: \(missing)")
        }
        let blocks = try ReadmeShell.blocks(of: String(contentsOf: packagePath("README.md"), encoding: .utf8))
        let running = blocks.filter { block in
            !Self.isSkipped(block) && (Self.authenticatorMissing == nil || !block.lines.contains { $0.text.contains("pyotp") })
        }
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        let calls = server.directory.url.appendingPathComponent("walkthrough")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)

        // The script, and which README line each of its lines is.
        var script = Self.harness.components(separatedBy: "\n")
        var readmeLine: [Int: Int] = [:]
        for block in running {
            script.append("# README.md line \(block.lines[0].number)")
            for (number, text) in block.lines {
                script.append(Self.substitutions(port: server.port, binary: Binary.url.path).reduce(text) {
                    $0.replacingOccurrences(of: $1.readme, with: $1.here)
                })
                readmeLine[script.count] = number
            }
        }
        let scriptFile = calls.appendingPathComponent("readme.sh")
        try script.joined(separator: "\n").appending("\n").write(to: scriptFile, atomically: true, encoding: .utf8)
        let result = try await Binary.run(
            ["bash", scriptFile.path],
            environment: ["TASKMANAGER_DATABASE_URL": server.directory.databaseURL, "WALKTHROUGH_CALLS": calls.path],
            in: server.directory.url, program: URL(fileURLWithPath: "/usr/bin/env"))

        let near = result.stderr.matches(of: /line (\d+)/).compactMap { readmeLine[Int($0.1)!] }
        #expect(result.status == 0, """
            the README's blocks stopped with status \(result.status) near README.md line \
            \(near.map(String.init).joined(separator: ", ")): \(result.stderr.suffix(1_500))
            (its output ended: \(result.stdout.suffix(600)))
            """)

        // Each recorded answer against the README's curl of the same rank.
        let expected = running.flatMap { ReadmeShell.commands(of: $0) }.flatMap { command in
            Array(repeating: command, count: command.curls)
        }
        let recorded = Int((try? String(contentsOf: calls.appendingPathComponent("count"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(recorded <= expected.count, "\(recorded) curl calls ran, but the README's blocks have \(expected.count) curls (one in a loop?)")
        if recorded < expected.count {
            let next = expected[recorded]
            Issue.record("README.md:\(next.lines.lowerBound): `\(next.text)` never ran (\(recorded) of \(expected.count) curls did)")
        }
        for (rank, command) in expected.prefix(recorded).enumerated() {
            let file = { (suffix: String) in
                (try? String(contentsOf: calls.appendingPathComponent("\(rank + 1).\(suffix)"), encoding: .utf8)) ?? ""
            }
            let at = "README.md:\(command.lines.lowerBound): `\(command.text)`"
            let calledFrom = Int(file("line").trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { readmeLine[$0] }
            #expect(calledFrom.map(command.lines.contains) == true,
                    "\(at): curl call \(rank + 1) was made at README line \(calledFrom.map(String.init) ?? "?"), not by this curl")
            let status = file("head").components(separatedBy: "\r\n").last { $0.hasPrefix("HTTP/") }?
                .split(separator: " ").dropFirst().first.flatMap { Int($0) }
            let body = file("body")
            let promise = ReadmeShell.Promise(command.comment)
            for problem in promise.problems(status: status, body: body) {
                Issue.record("\(at) answered \(status.map(String.init) ?? "nothing") \(body.prefix(400)): \(problem)")
            }
        }
    }

    /// Each skip and each substitution still fits the README; every comment after a curl reads.
    @Test func theSkipsAndSubstitutionsFitTheReadme() throws {
        let blocks = try ReadmeShell.blocks(of: String(contentsOf: packagePath("README.md"), encoding: .utf8))
        for (command, reason) in Self.skipped {
            #expect(blocks.filter { $0.starts(with: command) }.count == 1, "not one README block starts with `\(command)` (\(reason))")
        }
        let running = blocks.filter { !Self.isSkipped($0) }
        #expect(running.count >= 9, "only \(running.count) README blocks run")
        let text = running.flatMap { $0.lines.map(\.text) }.joined(separator: "\n")
        for substitution in Self.substitutions(port: 0, binary: "") {
            #expect(text.contains(substitution.readme), "no README line that runs has `\(substitution.readme)`")
        }
        for command in running.flatMap({ ReadmeShell.commands(of: $0) }) where command.curls > 0 {
            #expect(ReadmeShell.Promise(command.comment).unreadable == nil, "README.md:\(command.lines.upperBound): \(command.comment ?? "")")
        }
        let sample = ReadmeShell.Promise(#"401 {"detail":"Not authenticated"}, and "Milk": a viewer"#)
        #expect(sample.status == 401 && sample.quoted == ["\"Milk\""] && sample.objects.count == 1)
        #expect(sample.problems(status: 401, body: #"{"detail":"Not authenticated","items":[{"title":"Milk"}]}"#).isEmpty)
        #expect(sample.problems(status: 401, body: #"{"detail":"Not found"}"#).count == 2)
        #expect(ReadmeShell.Promise(nil).problems(status: 204, body: "").isEmpty)
    }
}
