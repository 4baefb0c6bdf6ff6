import Foundation

/// A position in a keyset-paginated list ordered by (created_at, id): the last row of a page.
/// Opaque to clients (base64url of `v1:<created_at µs>:<id>`). A cursor only ever narrows a list
/// its holder may read whole (their own tasks; every user, for an admin), so a forged one reveals
/// nothing, and it needs no signature.
struct PageCursor: Sendable, Equatable {
    var createdAt: Int64
    var id: String

    var encoded: String {
        Base64URL.encode(Data("v1:\(createdAt):\(id)".utf8))
    }

    /// `nil` for anything that is not a cursor this server made.
    init?(encoded text: String) {
        guard text.utf8.count <= 512, let data = Base64URL.decode(text), let plain = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = plain.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let createdAt = Int64(parts[1]), createdAt >= 0,
            let id = UUID(uuidString: String(parts[2])), String(parts[2]) == id.uuidString.lowercased()
        else { return nil }
        self.init(createdAt: createdAt, id: String(parts[2]))
    }

    init(createdAt: Int64, id: String) {
        self.createdAt = createdAt
        self.id = id
    }
}
