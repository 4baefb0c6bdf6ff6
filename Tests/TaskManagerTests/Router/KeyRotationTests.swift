import Foundation
import Logging
import Testing

@testable import TaskManager

@Suite struct KeyRotationTests {
    static func kid(_ token: String?) -> String? {
        TokenServiceTests.json((token ?? "").split(separator: ".")[0])?["kid"] as? String
    }

    @Test func aRotatedKeySignsNewTokensAndTheOldOneVerifiesUntilExpiry() async throws {
        let clock = ManualClock()
        try await withSeededDatabase { url in
            try await withTestApp({ $0.databaseURL = url }, clock: clock) { api in
                try await api.register("alice")
                let before = try await api.login("alice")
                let oldKid = try #require(Self.kid(before))

                // Another process rotates the key (`taskmanager keys rotate`).
                let newKey = try SigningKey.generate(.es256)
                try await AppDatabase.withRunning(url, logger: Logger(label: "test")) { db in
                    try await SigningKeyRepository(database: db, box: SecretBox(key: nil)).rotate(to: newKey, now: clock.now)
                }

                clock.advance(by: 1)  // within a second, this process signs with the new key
                let after = try await api.login("alice")
                #expect(Self.kid(after) == newKey.kid)
                #expect(newKey.kid != oldKid)
                #expect(try await api.send(.get, "/me", token: after).status == 200)
                #expect(try await api.send(.get, "/me", token: before).status == 200)  // the retired key still verifies

                clock.advance(by: 900)  // past the old token's expiry
                #expect(try await api.send(.get, "/me", token: before).status == 401)
                #expect(try await api.send(.get, "/me", token: try await api.login("alice")).status == 200)
            }
        }
    }

    @Test func anotherProcessSeesTheNewKeyOnItsFirstToken() async throws {
        // A token signed with a key this process has not loaded yet is verified after a reload.
        let clock = ManualClock()
        try await withSeededDatabase { url in
            let rotated = TokenBox()
            try await withTestApp({ $0.databaseURL = url }, clock: clock) { first in
                try await first.register("alice")
                try await withTestApp({ $0.databaseURL = url }, clock: clock) { second in
                    try await AppDatabase.withRunning(url, logger: Logger(label: "test")) { db in
                        try await SigningKeyRepository(database: db, box: SecretBox(key: nil)).rotate(to: try .generate(.es256), now: clock.now)
                    }
                    // The second read the keys a moment before the first signs with the new one: a
                    // token naming a key it has not seen makes it look again after 0.1 s, not 1 s.
                    clock.advance(by: 0.95)
                    #expect(try await second.login("alice").isEmpty == false)
                    clock.advance(by: 0.05)
                    let token = try await first.login("alice")
                    await rotated.set(token)
                    clock.advance(by: 0.1)
                    #expect(try await second.send(.get, "/me", token: token).status == 200)
                }
            }
            #expect(!(await rotated.token).isEmpty)
        }
    }
}
