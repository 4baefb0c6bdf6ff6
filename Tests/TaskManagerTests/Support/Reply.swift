import Foundation
import HTTPTypes
import Testing

/// One HTTP response as the tests read it, whether it came through the router or over the wire.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: String

    /// The body as a JSON object, or an empty one.
    var json: [String: any Sendable] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: any Sendable] ?? [:]
    }

    subscript(_ key: String) -> (any Sendable)? { json[key] }
    func string(_ key: String) -> String? { json[key] as? String }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }

    /// `WWW-Authenticate` without its `resource_metadata` (RFC 9728), which every `Bearer`
    /// challenge carries and `ResourceMetadataTests` checks: what the challenge says beside it.
    var challenge: String? {
        guard let header = header("WWW-Authenticate") else { return nil }
        return header.replacing(/,? ?resource_metadata="[^"]*"/, with: "")
    }

    /// The `loc` of each entry of a 422's `detail`, joined by ".".
    var validationLocations: [String] {
        (json["detail"] as? [[String: Any]] ?? []).map { issue in
            (issue["loc"] as? [Any] ?? []).map { "\($0)" }.joined(separator: ".")
        }
    }

    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}

/// Form-encodes fields as a browser or an OAuth2 library would.
func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~ ")
    return fields.map { name, value in
        let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: " ", with: "+")
        return "\(name)=\(encoded)"
    }.joined(separator: "&")
}

func jsonBody(_ object: [String: Any?]) -> String {
    let cleaned = object.mapValues { $0 ?? NSNull() }
    return String(decoding: try! JSONSerialization.data(withJSONObject: cleaned), as: UTF8.self)
}
