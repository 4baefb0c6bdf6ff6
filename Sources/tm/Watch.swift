import ArgumentParser
import Dispatch
import Foundation
import TaskManagerClient

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print changes to your lists as they happen, until Ctrl-C.",
        discussion: """
            One line per event: the time, who, the event's type, what it is about and the list. With \
            --json, each event as the server sent it, one JSON object a line, at once; a stretch of \
            changes the server no longer has is {"type": "reset", "id": ...}: read again what you keep. \
            A dropped connection is opened again by itself, without losing or repeating an event. \
            Ctrl-C ends it with status 0.
            """)

    @OptionGroup var options: ServerOptions
    @Argument(help: "Only this list's events: its id or its name.") var list: String?
    @Option(help: "Start after this event id: what came since is printed first.") var after: String?

    func validate() throws {
        if let after, after.isEmpty || !after.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("--after takes an event id (digits), not '\(after)'")
        }
    }

    func run() async throws {
        let interrupt = Self.exitOnInterrupt()
        defer { interrupt.cancel() }
        let server = try options.connect()
        // Read once: the list named on the command line, the names to print, and a server that answers.
        let lists = try await Lists.all(on: server)
        let only = try list.map { try Lists.resolve($0, among: lists) }
        var names = WatchedNames(lists)
        if !options.json, isatty(STDERR_FILENO) == 1 {
            FileHandle.standardError.write(Data("Watching \(only.map { $0.name } ?? "your lists"); Ctrl-C to stop.\n".utf8))
        }
        do {
            for try await element in server.events(after: after) {
                switch element {
                case .reset(let id):
                    let line = options.json ? nil : "\(EventLine.clock(Date()))  reset  some changes were missed: list again to catch up"
                    Self.emit(try line ?? Self.resetJSON(id))
                case .change(let event, let json):
                    if let only, event.listId != only.id, event.fromListId != only.id { continue }
                    if options.json {
                        Self.emit(json)
                        continue
                    }
                    // A list this watch has not met (one just joined): its name, asked once.
                    if names.shouldLookUp(event.listId), let fresh = try? await Lists.all(on: server) { names.add(fresh) }
                    names.learn(from: event)
                    Self.emit(EventLine.text(event, names: names))
                }
            }
        } catch {
            throw Self.failure(error)
        }
    }

    /// One line on standard output, written at once (not buffered): a pipe sees each event as it comes.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `{"id":"41","type":"reset"}`: the reset in the events' own shape, for scripts.
    static func resetJSON(_ id: String?) throws -> String {
        struct Reset: Encodable {
            let id: String?
            let type = "reset"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(Reset(id: id)), as: UTF8.self)
    }

    /// Why the events stopped, as the exit status and message every `tm` command gives.
    static func failure(_ error: any Error) -> any Error {
        switch error {
        case let failure as Failure:
            return failure
        case let refusal as TaskManagerClientError:
            switch refusal {
            case .signedOut: return Failure.expired
            case .eventsRefused(_, let detail): return Failure.refused(detail)
            case .unexpectedTokenAnswer(let status): return Failure.refused("The token endpoint answered \(status)")
            }
        case is DecodingError:
            return Failure.refused("An event from the server does not read: \(error)")
        default:
            return Failure.refused("The events stopped: \(error)")
        }
    }

    /// Ctrl-C is how a watch ends: status 0, not the signal's. The lines are written as they come,
    /// so nothing is left to flush.
    static func exitOnInterrupt() -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { Foundation.exit(0) }
        source.resume()
        return source
    }
}
