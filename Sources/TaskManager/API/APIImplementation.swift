import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call a service, and turn the result back; they hold services only
/// (`AppServices` builds them). Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let services: AppServices

    init(_ services: AppServices) {
        self.services = services
    }
}
