import Foundation
import Testing

@testable import TaskManager

@Suite struct PasswordHasherTests {
    @Test func hashesOnThreadsOfTheGivenNiceValue() async throws {
        /// The nice values of this process's bcrypt threads (NIO names its pool's threads `TP-#n`).
        func poolNiceValues() throws -> [Int] {
            // Threads of other tests come and go meanwhile: one that is gone is skipped.
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { tid in
                guard let comm = try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8),
                    comm.hasPrefix("TP-#"), let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
                    let name = stat.lastIndex(of: ")")
                else { return nil }
                // Field 19 of stat, counted after the parenthesised name (which may hold spaces).
                let fields = stat[stat.index(after: name)...].split(separator: " ")
                return fields.count > 16 ? Int(fields[16]) : nil
            }
        }
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1, nice: 7)
        _ = try await hasher.hash("correct horse battery")
        #expect(try poolNiceValues().contains(7))
        await hasher.shutdown()
    }

    @Test func hashVerifiesOnlyItsOwnPassword() async throws {
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
        let hash = try await hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$2b$04$") || hash.hasPrefix("$2a$04$") || hash.hasPrefix("$2y$04$"))
        #expect(!hash.contains("correct"))
        #expect(try await hasher.verify("correct horse battery", against: hash))
        #expect(try await !hasher.verify("correct horse batterY", against: hash))
        await hasher.shutdown()
    }

    @Test func passwordsSharingTheirFirst72BytesAreDifferentPasswords() async throws {
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
        let prefix = String(repeating: "a", count: 72)
        let hash = try await hasher.hash(prefix + "first")
        #expect(try await hasher.verify(prefix + "first", against: hash))
        #expect(try await !hasher.verify(prefix + "second", against: hash))
        #expect(try await !hasher.verify(prefix, against: hash))
        await hasher.shutdown()
    }

    @Test func composedAndDecomposedFormsAreTheSamePassword() async throws {
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
        let composed = "p\u{00E4}ssw\u{00F6}rd"  // ä, ö as one code point each
        let decomposed = "pa\u{0308}sswo\u{0308}rd"  // a + combining diaeresis
        #expect(composed.unicodeScalars.count != decomposed.unicodeScalars.count)
        let hash = try await hasher.hash(composed)
        #expect(try await hasher.verify(decomposed, against: hash))
        // NFKC also folds compatibility forms: fullwidth letters are their ASCII selves.
        let fullwidth = "\u{FF50}\u{FF41}\u{FF53}\u{FF53}\u{FF57}\u{FF4F}\u{FF52}\u{FF44}"
        #expect(try await hasher.verify(fullwidth, against: try await hasher.hash("password")))
        await hasher.shutdown()
    }

    @Test func unknownUserNeverVerifies() async throws {
        let hasher = try await PasswordHasher.start(cost: 4, threads: 1)
        #expect(try await !hasher.verify("anything at all", against: nil))
        #expect(try await !hasher.verify("", against: "not a bcrypt hash"))
        await hasher.shutdown()
    }

    @Test func lengthIsCountedInCodePointsAfterNFKC() {
        #expect(PasswordHasher.lengthProblem("1234567") != nil)
        #expect(PasswordHasher.lengthProblem("12345678") == nil)
        #expect(PasswordHasher.lengthProblem(String(repeating: "x", count: 128)) == nil)
        #expect(PasswordHasher.lengthProblem(String(repeating: "x", count: 129)) != nil)
        // 8 decomposed characters are 16 code points before NFKC and 8 after: allowed.
        #expect(PasswordHasher.lengthProblem(String(repeating: "a\u{0308}", count: 8)) == nil)
        // 7 of them are 14 code points before and 7 after: too short.
        #expect(PasswordHasher.lengthProblem(String(repeating: "a\u{0308}", count: 7)) != nil)
        // "ﬁ" (one code point) becomes "fi" (two) under NFKC: 64 of them are 128 after, 65 are 130.
        #expect(PasswordHasher.lengthProblem(String(repeating: "\u{FB01}", count: 64)) == nil)
        #expect(PasswordHasher.lengthProblem(String(repeating: "\u{FB01}", count: 65)) != nil)
        // 128 emoji are 512 UTF-8 bytes: long for bcrypt, fine for us.
        #expect(PasswordHasher.lengthProblem(String(repeating: "🔑", count: 128)) == nil)
    }

    @Test func runsOffTheCallersThread() async throws {
        // Many hashes at once complete on the pool while this task stays free to await them.
        let hasher = try await PasswordHasher.start(cost: 4, threads: 2)
        let hashes = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 { group.addTask { try await hasher.hash("password \(index)") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(hashes).count == 8)
        await hasher.shutdown()
    }
}
