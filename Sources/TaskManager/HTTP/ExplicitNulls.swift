import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The top-level keys of a JSON body whose value is `null`.
///
/// The generated types decode an absent field and a `null` one alike (as `nil`), but the contract
/// tells them apart: in a PATCH, `null` clears a field and absence leaves it alone, and `null` for
/// a field that cannot be null is a 422. The handlers read this set to decide.
enum ExplicitNulls {
    @TaskLocal static var keys: Set<String> = []

    /// Finds the null keys of JSON bodies before the generated decoder sees them.
    struct Middleware: ServerMiddleware {
        let operations: [String: OpenAPIDocument.Operation]

        func intercept(
            _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
            next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
        ) async throws -> (HTTPResponse, HTTPBody?) {
            guard operations[operationID]?.hasJSONBody == true, let body else {
                return try await next(request, body, metadata)
            }
            // Already in memory: the edge middleware collected it within the 1 MiB limit.
            let bytes = try await [UInt8](collecting: body, upTo: RequestLimits.maximumBodySize)
            let keys = ExplicitNulls.find(in: bytes)
            return try await ExplicitNulls.$keys.withValue(keys) {
                try await next(request, HTTPBody(bytes), metadata)
            }
        }
    }

    static func find(in bytes: [UInt8]) -> Set<String> {
        guard let object = try? JSONDecoder().decode([String: NullProbe].self, from: Data(bytes)) else { return [] }
        return Set(object.filter(\.value.isNull).keys)
    }

    private struct NullProbe: Decodable {
        var isNull: Bool
        init(from decoder: any Decoder) throws {
            isNull = (try? decoder.singleValueContainer().decodeNil()) ?? false
        }
    }
}
