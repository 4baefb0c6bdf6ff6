import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call the services and repositories, and turn the results back.
/// Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let accounts: AccountService
    let login: LoginService
    let sessions: SessionRepository
    let tasks: TaskRepository
    let users: UserRepository
    let database: Database
    let clock: AppClock
    let metrics: AppMetrics
    let openRegistration: Bool
}
