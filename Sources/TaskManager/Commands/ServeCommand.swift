import ArgumentParser
import Foundation
import Hummingbird
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server (the default command).",
        discussion: "Creates and migrates the database on start. SIGTERM or SIGINT drain requests in flight and exit 0.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let config: Configuration
        do {
            config = try options.configuration(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw fail(error.description)
        }
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(config)
        } catch {
            throw fail("cannot start: \(error)", code: 1)
        }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw fail("cannot listen on \(config.host):\(config.port): the address is already in use", code: 1)
        } catch {
            throw fail("server stopped: \(error)", code: 1)
        }
    }
}
