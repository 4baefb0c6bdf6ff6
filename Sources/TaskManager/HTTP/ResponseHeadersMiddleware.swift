import Foundation
import Hummingbird

/// The headers the contract promises on every response, errors included: `nosniff`, and a
/// `Location` as the handler wrote it.
struct ResponseHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        // The generated serializer percent-encodes header values as URI components ("/" → "%2F"):
        // the API's own `Location`s are paths. The sign-in page's redirects are absolute URIs whose
        // query is encoded on purpose, and stay as they are.
        if let location = response.headers[.location], location.hasPrefix("%2F") {
            response.headers[.location] = location.removingPercentEncoding ?? location
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
