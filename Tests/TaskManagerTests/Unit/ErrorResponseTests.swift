import Foundation
import HTTPTypes
import Hummingbird
import TaskManagerAPI
import Testing

@testable import TaskManager

/// Error bodies are the document's own schemas, written as before, byte for byte.
@Suite struct ErrorResponseTests {
    @Test func everyOAuthCodeIsOneOfTheDocuments() {
        for code in OAuthErrorCode.allCases {
            #expect(Components.Schemas.TokenError._ErrorPayload(code).rawValue == code.rawValue)
        }
    }

    @Test func bodiesAreTheDocumentsSchemas() async throws {
        let cases: [(APIError, String)] = [
            (.notFound("Task not found"), #"{"detail":"Task not found"}"#),
            (
                .validation([ValidationIssue(loc: ["body", "title"], msg: "Field required", type: "missing"),
                             ValidationIssue(loc: ["body", "items", 2], msg: "Input should be a valid string", type: "string_type")]),
                #"{"detail":[{"loc":["body","title"],"msg":"Field required","type":"missing"},{"loc":["body","items",2],"msg":"Input should be a valid string","type":"string_type"}]}"#
            ),
            (.oauth(.slowDown, "Slow down"), #"{"detail":"Slow down","error":"slow_down","error_description":"Slow down"}"#),
            (.invalidClient(viaBasic: false), #"{"detail":"Client authentication failed","error":"invalid_client","error_description":"Client authentication failed"}"#),
            (
                .mfaRequired(mfaToken: "t"),
                #"{"detail":"Multifactor authentication required","error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"t"}"#
            ),
        ]
        for (error, expected) in cases {
            let box = CollectedBody()
            _ = try await ErrorResponse.render(error).body.write(CollectingWriter(box: box))
            #expect(String(buffer: box.buffer) == expected, "\(error)")
        }
    }
}

/// What a response body wrote, for one test at a time.
final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// Collects what a response body writes.
struct CollectingWriter: ResponseBodyWriter {
    let box: CollectedBody
    mutating func write(_ buffer: ByteBuffer) async throws { box.buffer.writeImmutableBuffer(buffer) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
