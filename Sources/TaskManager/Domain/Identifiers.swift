import Foundation

/// Ids are lower-case UUIDs; anything else names nothing (404, not 422).
func canonicalID(_ text: String) -> String? {
    UUID(uuidString: text).map { $0.uuidString.lowercased() }
}

/// An id from a path as the repositories take it: a lower-case UUID, or "" for anything else,
/// which names nothing (404 in the words of whatever the path asked for).
func pathID(_ text: String) -> String { canonicalID(text) ?? "" }
