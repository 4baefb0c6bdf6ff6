import Foundation
import Hummingbird

/// The headers the contract promises on every response, errors included: `nosniff`, and a
/// `Location` and a `Cache-Control` as the handler wrote them.
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
        // Directives such as the JWK Set's `public, max-age=60` hold no `%` of their own.
        if let cacheControl = response.headers[.cacheControl], cacheControl.contains("%") {
            response.headers[.cacheControl] = cacheControl.removingPercentEncoding ?? cacheControl
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
