import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server (the default command).",
        discussion: "Creates and migrates the database on start. SIGTERM or SIGINT drain requests in flight and exit 0.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let config: ServerSettings
        do {
            config = try options.settings(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw fail(error.description)
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                config.logFormat == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = config.logLevel
            return handler
        }
        let app: any ApplicationProtocol
        let requests = RequestTally()
        do {
            app = try await buildApplication(config, requests: requests)
        } catch {
            throw fail("cannot start: \(error)", code: 1)
        }
        // SIGTERM/SIGINT: stop accepting, let requests in flight finish for up to the timeout, then
        // stop the bcrypt pool and the database (services stop in reverse order, after the server) and exit 0.
        let drain = DrainLog(requests: requests, timeout: config.shutdownTimeout, logger: app.logger)
        var group = ServiceGroupConfiguration(
            services: [app, drain], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
        group.maximumGracefulShutdownDuration = .seconds(config.shutdownTimeout)
        defer { drain.ended() }  // also when the timeout cut the drain short
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as StartFailure {
            throw fail("cannot start: \(error)", code: 1)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw fail("cannot listen on \(config.host):\(config.port): the address is already in use", code: 1)
        } catch {
            throw fail("server stopped: \(error)", code: 1)
        }
    }
}
