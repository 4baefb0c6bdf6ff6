import ArgumentParser
import Foundation
import TaskManagerClient

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with the device flow: open the address shown, enter the code, Allow.")

    @Option(help: "The server, e.g. https://tasks.example.com.")
    var server: String

    @Option(help: "Space-separated scopes (default: all that tm may have).")
    var scope: String?

    func validate() throws {
        guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--server must be an http or https URL, not '\(server)'")
        }
    }

    func run() async throws {
        let name = ServerOptions.normalized(server)
        let file = CredentialsFile.standard
        _ = try file.read()  // a file others may read is refused before anything is asked
        let connection = ServerOptions.connection(URL(string: name)!, store: ServerTokenStore(file: file, server: name))
        let codes = try await call {
            try await connection.client.authorizeDevice(body: .urlEncodedForm(.init(clientId: OAuth.client, scope: scope))).ok.body.json
        }
        // Unbuffered: whoever reads this (a person, or a script that approves) needs it now.
        FileHandle.standardOutput.write(Data("""
            To sign in, open \(codes.verificationUri) and enter the code \(codes.userCode)
            (or open \(codes.verificationUriComplete))
            Waiting for your answer; the code is good for \(codes.expiresIn / 60) minutes…

            """.utf8))
        var interval = codes.interval
        let deadline = ContinuousClock.now + .seconds(codes.expiresIn)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(interval))
            let answer = try await call {
                try await connection.client.createToken(
                    body: .urlEncodedForm(.init(grantType: OAuth.deviceGrant, clientId: OAuth.client, deviceCode: codes.deviceCode)))
            }
            switch answer {
            case .ok(let ok):
                let tokens = try ok.body.json
                try await connection.authentication.signedIn(
                    accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, refreshToken: tokens.refreshToken)
                let me = try await call { try await connection.client.getMe().ok.body.json }
                print("Signed in to \(name) as \(me.username)")
                return
            case .badRequest(let refused):
                let error = try refused.body.json
                switch error.error {
                case .authorizationPending: continue
                case .slowDown: interval += 5
                case .accessDenied: throw Failure.refused("The sign-in was denied")
                case .expiredToken: throw Failure.refused("The code has expired: run `tm login` again")
                default: throw Failure.refused(error.detail)
                }
            default:
                throw Failure.refused("The token endpoint answered what a device never expects")
            }
        }
        throw Failure.refused("The code has expired: run `tm login` again")
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End the sign-in on the server and forget it here.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let file = CredentialsFile.standard
        let contents = try file.read()
        guard let name = options.server.map(ServerOptions.normalized) ?? contents.current,
            let token = contents.servers[name]?.refreshToken, let url = URL(string: name)
        else { throw Failure.notSignedIn }
        let store = ServerTokenStore(file: file, server: name)
        let connection = ServerOptions.connection(url, store: store)
        // RFC 7009: the whole login session ends, its access tokens too.
        _ = try await call { try await connection.client.revokeToken(body: .urlEncodedForm(.init(token: token))).ok }
        try await store.save(nil)
        if !options.json { print("Signed out of \(name)") }
    }
}

struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Who you are signed in as, and where.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let name = try options.signedInServer()
        let me = try await call { try await options.connect().client.getMe().ok.body.json }
        if options.json { return try Output.json(me) }
        var line = me.username
        if let fullName = me.fullName.value { line += " (\(fullName))" }
        if let email = me.email.value { line += " <\(email)>" }
        print("\(line) at \(name)")
    }
}
