import Foundation
import OpenAPIRuntime

/// How a hot operation's output gets from the generated serializer to `DirectJSONMiddleware`.
///
/// swift-openapi-runtime offers no hook for another JSON encoder (`Configuration` takes a date
/// transcoder, not an encoder), and an output's `.undocumented` case has its body dropped by the
/// generated serializer. What it does offer: an error thrown while the body is being encoded comes
/// back to the server middlewares as a `ServerError` carrying the handler's typed output. So, while
/// `DirectJSONMiddleware` runs an operation it writes itself, this transcoder — the only one the
/// server configures — throws `Signal` at the first date the encoder asks for, before
/// `JSONEncoder` has built anything, and the middleware writes the output from
/// `ServerError.operationOutput`. Everywhere else it is `MillisecondDateTranscoder`, unchanged.
/// An output without a date (an empty page) is never stopped and finishes in the generated
/// serializer, byte for byte the same (`DirectJSONMiddlewareTests`).
struct DirectJSONHandOff: DateTranscoder {
    /// True while `DirectJSONMiddleware` runs an operation whose answer it writes.
    @TaskLocal static var isActive = false

    /// The hand-off: not a failure, and never seen outside `DirectJSONMiddleware`.
    struct Signal: Error {}

    private let formatter = MillisecondDateTranscoder()

    func encode(_ date: Date) throws -> String {
        if Self.isActive { throw Signal() }
        return formatter.encode(date)
    }

    func decode(_ string: String) throws -> Date { try formatter.decode(string) }
}
