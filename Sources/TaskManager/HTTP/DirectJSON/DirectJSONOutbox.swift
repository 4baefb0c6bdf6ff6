import OpenAPIRuntime
import Synchronization

/// How a hot operation's answer reaches `DirectJSONMiddleware`, in the open.
///
/// swift-openapi-runtime offers no hook for another JSON encoder, so the handler of a hot
/// operation passes its typed output through `offer(_:placeholder:)`. While the middleware runs
/// the operation, the output is kept in the request's outbox and the generated serializer gets the
/// placeholder — an `.undocumented` answer without a body, which costs it nothing — and the
/// middleware writes the kept output with `JSONWriter`. Without the middleware (a test's reference
/// path), the output goes to the generated serializer as usual; `DirectJSONMiddlewareTests`
/// compares the two byte for byte.
final class DirectJSONOutbox: Sendable {
    private let kept = Mutex<(any Sendable)?>(nil)

    /// The outbox of the operation `DirectJSONMiddleware` is running, if any.
    @TaskLocal static var current: DirectJSONOutbox?

    /// `output` for the generated serializer, or, when the middleware writes this operation's
    /// answer, `placeholder` while the output waits here.
    static func offer<Output: Sendable>(_ output: Output, placeholder: Output) -> Output {
        guard let current else { return output }
        current.kept.withLock { $0 = output }
        return placeholder
    }

    /// The output the handler offered, once.
    func take() -> (any Sendable)? {
        kept.withLock { kept in
            defer { kept = nil }
            return kept
        }
    }
}
