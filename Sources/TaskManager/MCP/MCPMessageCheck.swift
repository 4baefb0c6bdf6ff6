import Foundation
import MCP

/// A JSON-RPC message as the SDK's server reads it (`JSONDecoder`: of a repeated key, the first),
/// checked before the SDK sees it, in its validation pipeline. The SDK's transport classifies a
/// message with `JSONSerialization` (of a repeated key, the last) and its server decodes it with
/// `JSONDecoder`: a message whose two readings differ — `"id": 1, "id": 2`, or a `tools/call`
/// naming two tools — would be answered for one and waited for as the other (until the timeout),
/// or have its scope checked for one tool and run as another. Such a message, an id that is
/// neither a string nor an integer, or a request that is also a response, is 400 here.
struct MCPMessageCheck: HTTPRequestValidator {
    func validate(_ request: HTTPRequest, context: HTTPValidationContext) -> HTTPResponse? {
        guard context.httpMethod == "POST", let body = request.body,
            let loose = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        else { return nil }  // no JSON object: the SDK's own answer (a parse error, a batch refused)
        guard let message = try? JSONDecoder().decode(Message.self, from: body) else {
            return refusal("an id must be a string or an integer, and method a string")
        }
        if message.method != nil, message.hasResult || message.hasError {
            return refusal("a message is a request or a response, not both")
        }
        let looseParams = loose["params"] as? [String: Any]
        let sameReading =
            message.method == loose["method"] as? String && message.id == Message.ID(loose["id"])
            && message.params?.name == looseParams?["name"] as? String
        return sameReading ? nil : refusal("a member is given twice")
    }

    private func refusal(_ reason: String) -> HTTPResponse {
        .error(statusCode: 400, .invalidRequest("Invalid Request: \(reason)"))
    }

    /// The first tool a `tools/call` in `body` names, read as the SDK reads it; `nil` for any
    /// other message (or one that is no JSON).
    static func calledTool(in body: Data) -> String? {
        guard let message = try? JSONDecoder().decode(Message.self, from: body), message.method == "tools/call" else { return nil }
        return message.params?.name
    }

    private struct Message: Decodable {
        enum ID: Equatable, Decodable {
            case number(Int)
            case text(String)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
            }

            /// The same id as `JSONSerialization` read it.
            init?(_ value: Any?) {
                switch value {
                case let text as String: self = .text(text)
                case let number as NSNumber: self = .number(number.intValue)  // JSONDecoder took it as an Int already
                default: return nil
                }
            }
        }

        struct Params: Decodable {
            var name: String?
            init(from decoder: any Decoder) throws {
                // Any params (an array included); only a tool's name matters here.
                let container = try? decoder.container(keyedBy: Keys.self)
                name = try? container?.decodeIfPresent(String.self, forKey: .name)
            }
            enum Keys: String, CodingKey { case name }
        }

        var id: ID?
        var method: String?
        var params: Params?
        var hasResult: Bool
        var hasError: Bool

        enum CodingKeys: String, CodingKey { case id, method, params, result, error }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(ID.self, forKey: .id)
            method = try container.decodeIfPresent(String.self, forKey: .method)
            params = try? container.decodeIfPresent(Params.self, forKey: .params)
            hasResult = container.contains(.result)
            hasError = container.contains(.error)
        }
    }
}
