import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import TaskManagerAPI

/// Maps every error a request can raise to the contract's JSON. Nothing else writes error bodies,
/// so no request, however malformed, gets an empty body or an unexplained 500; the bodies are the
/// document's own schemas (`Error`, `ValidationError`, `TokenError`, `MFARequired`).
enum ErrorResponse {
    static func response(for error: any Error, logger: Logger) -> Response {
        render(apiError(for: error, logger: logger))
    }

    /// What the contract calls `error`, from anything thrown below the HTTP layer.
    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let refusal as ListAccess.Refusal:
            return apiError(for: refusal)
        case let error as InvalidFields:  // every field the services check is one of the body's
            return .validation(error.problems.map { ValidationIssue(loc: ["body", .key($0.field)], msg: $0.message, type: $0.type) })
        case let error as ServerError:
            return apiError(for: error, logger: logger)
        case let error as DecodingError:
            return .validation(ValidationIssue.issues(from: error, in: "body"))
        case is CancellationError:  // shutting down past --shutdown-timeout
            return .serviceUnavailable
        case AppDatabase.Failure.unavailable(let reason):
            logger.error("database unavailable", metadata: ["reason": "\(reason)"])
            return .serviceUnavailable
        case let error as HTTPError where error.status == .contentTooLarge:
            return .payloadTooLarge
        case is NIOTooManyBytesError:  // a streamed body that outgrew the limit while being read
            return .payloadTooLarge
        default:
            logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    /// What the access component refused, in the contract's words.
    private static func apiError(for refusal: ListAccess.Refusal) -> APIError {
        switch refusal {
        case .notFound(let subject): .notFound(subject.notFound)
        case .notEnoughPermissions: .forbidden("Not enough permissions on this list")
        }
    }

    private static func apiError(for error: ServerError, logger: Logger) -> APIError {
        let underlying = error.underlyingError
        if underlying is APIError || underlying is InvalidFields || underlying is ListAccess.Refusal
            || underlying is AppDatabase.Failure || underlying is CancellationError
        {
            return apiError(for: underlying, logger: logger)
        }
        // The request did not become the operation's input: its body or query is not what the
        // document describes. The token endpoint answers that in RFC 6749's terms.
        let requestUnreadable = error.operationInput == nil
        if requestUnreadable, TokenEndpoint.operationIDs.contains(error.operationID) {
            return .oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        // RFC 7591 answers a registration it cannot read in its own terms.
        if requestUnreadable, error.operationID == Operations.RegisterClient.id, error.httpStatus != .unsupportedMediaType {
            return .registration(.invalidClientMetadata, "The body must be a JSON object of client metadata (RFC 7591), with each member of its type")
        }
        if let decoding = underlying as? DecodingError {
            // Query items are decoded without a coding path; the document says which one is wrong.
            if let query = error.request.path?.split(separator: "?", maxSplits: 1).dropFirst().first,
                let name = OpenAPIDocument.compiled.operations[error.operationID]?.invalidQueryItem(in: query)
            {
                return .invalid(["query", .key(name)], "Input should be a valid value for \(name)", type: "type_error")
            }
            return .validation(ValidationIssue.issues(from: decoding, in: "body"))
        }
        if requestUnreadable {
            switch error.httpStatus {
            case .unsupportedMediaType:
                return .unsupportedMediaType
            case .badRequest where error.requestBody == nil && OpenAPIDocument.compiled.operations[error.operationID]?.hasJSONBody == true:
                return .invalid(["body"], "Field required", type: "missing")
            case .badRequest:
                return .invalid(["query"], error.causeDescription)
            default:
                break
            }
        }
        logger.error(
            "unexpected server error",
            metadata: ["operation": "\(error.operationID)", "cause": "\(error.causeDescription)",
                       "error": "\(String(reflecting: underlying))"])
        return .internalError
    }

    static func render(_ error: APIError) -> Response {
        let (status, headers, data) = rendered(error)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The status, headers and JSON body of `error`'s answer (also an MCP tool's refusal's text).
    static func rendered(_ error: APIError) -> (status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
        var headers: HTTPFields = [.contentType: "application/json"]
        let status: HTTPResponse.Status
        var body: any Encodable = Components.Schemas._Error(detail: "")
        switch error {
        case .notAuthenticated:
            status = .unauthorized
            headers[.wwwAuthenticate] = "Bearer"
            body = Components.Schemas._Error(detail: "Not authenticated")
        case .invalidToken:
            status = .unauthorized
            headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
            body = Components.Schemas._Error(detail: "Could not validate credentials")
        case .inactiveUser:
            status = .unauthorized
            headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
            body = Components.Schemas._Error(detail: "Inactive user")
        case .insufficientScope(let scope):
            status = .forbidden
            headers[.wwwAuthenticate] = #"Bearer error="insufficient_scope", scope="\#(scope.rawValue)""#
            body = Components.Schemas._Error(detail: "Not enough permissions")
        case .badRequest(let detail):
            status = .badRequest
            body = Components.Schemas._Error(detail: detail)
        case .forbidden(let detail):
            status = .forbidden
            body = Components.Schemas._Error(detail: detail)
        case .notFound(let detail):
            status = .notFound
            body = Components.Schemas._Error(detail: detail)
        case .conflict(let detail):
            status = .conflict
            body = Components.Schemas._Error(detail: detail)
        case .validation(let issues):
            status = .unprocessableContent
            body = Components.Schemas.ValidationError(detail: issues.map(Components.Schemas.ValidationIssue.init))
        case .payloadTooLarge:
            status = .contentTooLarge
            headers[.connection] = "close"
            body = Components.Schemas._Error(detail: "Request body larger than 1 MiB")
        case .unsupportedMediaType:
            status = .unsupportedMediaType
            body = Components.Schemas._Error(detail: "Unsupported media type: send application/json")
        case .methodNotAllowed(let allowed):
            status = .methodNotAllowed
            headers[.allow] = allowed.joined(separator: ", ")
            body = Components.Schemas._Error(detail: "Method Not Allowed")
        case .oauth(let code, let description):
            status = .badRequest
            headers[.cacheControl] = "no-store"
            headers[.pragma] = "no-cache"
            body = Components.Schemas.TokenError(error: .init(code), errorDescription: description, detail: description)
        case .invalidClient(let viaBasic):
            status = viaBasic ? .unauthorized : .badRequest
            if viaBasic { headers[.wwwAuthenticate] = #"Basic realm="taskmanager", charset="UTF-8""# }
            headers[.cacheControl] = "no-store"
            headers[.pragma] = "no-cache"
            let description = "Client authentication failed"
            body = Components.Schemas.TokenError(error: .invalidClient, errorDescription: description, detail: description)
        case .mfaRequired(let token):
            status = .forbidden
            headers[.cacheControl] = "no-store"
            headers[.pragma] = "no-cache"
            let description = "Multifactor authentication required"
            body = Components.Schemas.MFARequired(error: .mfaRequired, errorDescription: description, detail: description, mfaToken: token)
        case .throttled(let seconds):
            status = .tooManyRequests
            headers[.retryAfter] = String(seconds)
            headers[.cacheControl] = "no-store"
            body = Components.Schemas._Error(detail: "Too many failed login attempts; try again in \(seconds) seconds")
        case .tooManyStreams:
            status = .tooManyRequests
            // A closed stream stops counting at its next keep-alive at the latest.
            headers[.retryAfter] = String(Int(EventHub.keepAliveInterval) + 2)
            body = Components.Schemas._Error(detail: "Too many open event streams; close one and try again")
        case .registration(let code, let description):
            status = .badRequest
            headers[.cacheControl] = "no-store"
            body = Components.Schemas.RegistrationError(error: .init(code), errorDescription: description, detail: description)
        case .tooManyRegistrations(let seconds):
            status = .tooManyRequests
            headers[.retryAfter] = String(seconds)
            body = Components.Schemas._Error(detail: "Too many client registrations from this address; try again in \(seconds) seconds")
        case .overloaded:
            status = .serviceUnavailable
            headers[.retryAfter] = "1"
            body = Components.Schemas._Error(detail: "Too many logins in progress; try again shortly")
        case .internalError:
            status = .internalServerError
            body = Components.Schemas._Error(detail: "Internal server error")
        case .serviceUnavailable:
            status = .serviceUnavailable
            headers[.retryAfter] = "1"
            body = Components.Schemas._Error(detail: "Service unavailable")
        }
        let data = (try? encoder.encode(body)) ?? Data(#"{"detail":"Internal server error"}"#.utf8)
        return (status, headers, data)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension Components.Schemas.ValidationIssue {
    init(_ issue: ValidationIssue) {
        self.init(
            loc: issue.loc.map { location in
                switch location {
                case .key(let key): .case1(key)
                case .index(let index): .case2(index)
                }
            }, msg: issue.msg, _type: issue.type)
    }
}

extension Components.Schemas.TokenError._ErrorPayload {
    /// The document's code for `code`: every one of ours is one of its (`ErrorResponseTests`).
    init(_ code: OAuthErrorCode) {
        self = Self(rawValue: code.rawValue) ?? .invalidRequest
    }
}

extension Components.Schemas.RegistrationError._ErrorPayload {
    /// The document's code for `code`: every one of ours is one of its (`ErrorResponseTests`).
    init(_ code: RegistrationErrorCode) {
        self = Self(rawValue: code.rawValue) ?? .invalidClientMetadata
    }
}
