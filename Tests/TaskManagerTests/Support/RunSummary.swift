import Foundation
import Synchronization

/// Which optional parts of the suite can run on this machine, and why any are skipped, said in one
/// line each when the test process exits (after Swift Testing's own summary). Each part's gate notes
/// its answer here the first time it is asked.
enum RunSummary {
    struct Note: Sendable {
        var part: String
        /// What the part lacks; nil when it runs.
        var missing: String?
        /// Whether a missing prerequisite fails the part in CI (most do) rather than skipping it.
        var requiredInCI = true
    }

    private static let notes = Mutex<[Note]>([])
    static let inCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// Records whether `part` can run; returns `missing`, so that a gate reads
    /// `static let missing = RunSummary.note("…", missing: …)`.
    static func note(_ part: String, missing: String?, requiredInCI: Bool = true) -> String? {
        let first = notes.withLock { notes in
            defer { notes.append(Note(part: part, missing: missing, requiredInCI: requiredInCI)) }
            return notes.isEmpty
        }
        if first { atexit { RunSummary.printSummary() } }
        return missing
    }

    static func text(_ notes: [Note], inCI: Bool) -> String {
        var lines = ["", "Optional parts of the tests, on this machine:"]
        for note in notes {
            guard let missing = note.missing else {
                lines.append("  runs     \(note.part)")
                continue
            }
            lines.append(
                inCI && note.requiredInCI
                    ? "  FAILED   \(note.part): \(missing) (CI is set, so it ran and failed)"
                    : "  skipped  \(note.part): \(missing)")
        }
        if notes.contains(where: { $0.missing != nil }) {
            lines.append(
                "  Everything, as CI runs it: sudo .ci/run (installs PostgreSQL, Chromium, the Python packages and the docs assets, then runs swift test)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func printSummary() {
        FileHandle.standardError.write(Data(text(notes.withLock { $0 }, inCI: inCI).utf8))
    }
}
