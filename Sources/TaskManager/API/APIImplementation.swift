import Foundation
import TaskManagerAPI

/// The handlers of the generated `APIProtocol`, one extension file per tag. They turn generated
/// types into plain values, call a service, and turn the result back; they hold services only
/// (`AppServices` builds them). Failures are thrown as `APIError`; `ErrorResponse` renders them.
struct APIImplementation: APIProtocol {
    let accounts: AccountService
    let clients: ClientService
    let login: LoginService
    let grants: SessionGrantService
    let devices: DeviceGrantService
    let secondFactor: SecondFactorService
    let sessions: SessionService
    let tasks: TaskService
    let lists: ListService
    let sharing: SharingService
    let server: ServerInfoService

    init(_ services: AppServices) {
        accounts = services.accounts
        clients = services.clients
        login = services.login
        grants = services.grants
        devices = services.devices
        secondFactor = services.secondFactor
        sessions = services.sessions
        tasks = services.tasks
        lists = services.lists
        sharing = services.sharing
        server = services.server
    }
}
