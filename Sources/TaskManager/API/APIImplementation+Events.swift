import Foundation
import OpenAPIRuntime
import TaskManagerAPI

extension APIImplementation {
    /// `Accept: text/event-stream`: the caller's stream; otherwise a page of their events.
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let principal = try Principal.required()
        var issues: [ValidationIssue] = []
        let limit = PageQuery.limit(input.query.limit, issues: &issues, defaultLimit: PageQuery.limits.upperBound)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        guard Self.prefersStream(input.headers.accept) else {
            let found = try await services.events.page(caller: principal.user.id, after: input.query.after, limit: limit)
            return .ok(
                .init(body: .json(.init(items: found.items.map(Components.Schemas.Event.init), nextCursor: .init(found.next.map(String.init))))))
        }
        let (subscription, start) = try await services.events.openStream(
            for: principal, after: input.query.after, lastEventID: input.headers.lastEventID)
        let body = EventStreamBody(
            events: services.events, hub: services.events.hub, subscription: subscription, userID: principal.user.id, start: start)
        return .ok(.init(body: .textEventStream(HTTPBody(body, length: .unknown, iterationBehavior: .single))))
    }

    /// Whether `Accept` puts the stream first. Without the header the generated code lists every
    /// type alike, JSON first: a page.
    private static func prefersStream(_ accept: [AcceptHeaderContentType<Operations.ListEvents.AcceptableContentType>]) -> Bool {
        var best: AcceptHeaderContentType<Operations.ListEvents.AcceptableContentType>?
        for choice in accept where choice.quality.doubleValue > (best?.quality.doubleValue ?? 0) { best = choice }
        return best?.contentType == .textEventStream
    }
}
