import ArgumentParser
import Foundation
import HTTPTypes
import OpenAPIRuntime
import TaskManagerClient

/// The options every command takes.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server, e.g. https://tasks.example.com (default: the one you last signed in to).")
    var server: String?

    @Flag(help: "Print the API's JSON objects as they are, for scripts.")
    var json = false

    /// The signed-in connection to the chosen server.
    func connect() throws -> TaskManagerConnection {
        let name = try signedInServer()
        guard let url = URL(string: name) else { throw Failure.notSignedIn }
        return Self.connection(url, store: ServerTokenStore(file: CredentialsFile.standard, server: name))
    }

    /// The server this command speaks to (`--server`, else the last one signed in to), as the
    /// credentials file names it; `notSignedIn` when there is no sign-in for it.
    func signedInServer() throws -> String {
        let contents = try CredentialsFile.standard.read()
        guard let name = server.map(Self.normalized) ?? contents.current, contents.servers[name]?.refreshToken != nil
        else { throw Failure.notSignedIn }
        return name
    }

    static func connection(_ url: URL, store: any RefreshTokenStore) -> TaskManagerConnection {
        TaskManagerConnection(
            serverURL: url, store: store, clientID: OAuth.client, httpClient: .failingFast, middlewares: [RefusalMiddleware()])
    }

    /// A server's name as the credentials file keys it: its URL without a trailing slash.
    static func normalized(_ server: String) -> String {
        server.hasSuffix("/") ? String(server.dropLast()) : server
    }
}

enum OAuth {
    static let client = "taskmanager-cli"
    static let deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"
}

/// Every answer of 400 or more, but the token endpoint's (whose `error` codes the login reads) and
/// the event stream's (whose 429 `events(after:)` waits out), becomes a `Failure` with the API's
/// `detail` in one line: a 401 (after the middleware's refresh) means the sign-in is over.
struct RefusalMiddleware: ClientMiddleware {
    static let answersReadElsewhere: Set<String> = [Operations.CreateToken.id, Operations.ListEvents.id]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400, !Self.answersReadElsewhere.contains(operationID) else { return (response, responseBody) }
        if response.status == .unauthorized { throw Failure.expired }
        var data = Data()
        if let responseBody { data = (try? await Data(collecting: responseBody, upTo: 1 << 20)) ?? Data() }
        throw Failure.refused(Self.detail(of: data) ?? "The server answered \(response.status.code)")
    }

    /// The contract's `detail`: a string, or a validation error's list read as "field: message".
    static func detail(of data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let text = object["detail"] as? String { return text }
        guard let issues = object["detail"] as? [[String: Any]] else { return nil }
        return issues.map { issue in
            let location = (issue["loc"] as? [Any] ?? []).dropFirst().map { "\($0)" }.joined(separator: ".")
            return (location.isEmpty ? "" : location + ": ") + (issue["msg"] as? String ?? "invalid")
        }.joined(separator: "; ")
    }
}

/// Runs a call of the generated client, turning what it throws into a `Failure`.
func call<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as Failure {
        throw failure
    } catch let error as ClientError {
        switch error.underlyingError {
        case let failure as Failure: throw failure
        case TaskManagerClientError.signedOut: throw Failure.expired
        default:
            // No answer at all: the server is down, or not there.
            if error.response == nil { throw Failure.unreachable("Cannot reach \(error.baseURL?.absoluteString ?? "the server"): is it running, and is the address right?") }
            throw Failure.refused("Unexpected answer: \(error.causeDescription)")
        }
    }
}
