import Foundation
import TaskManagerClient

/// `$XDG_CONFIG_HOME/taskmanager/credentials.json` (`~/.config` when unset): one refresh token per
/// server, and the server last signed in to. Written with mode 0600 in a folder of mode 0700; a
/// file that others may read is refused, not used.
struct CredentialsFile: Sendable {
    struct Contents: Codable, Equatable {
        var current: String?
        var servers: [String: Entry] = [:]

        struct Entry: Codable, Equatable {
            var refreshToken: String?
            enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
        }
    }

    let url: URL

    static var standard: CredentialsFile {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return CredentialsFile(url: base.appendingPathComponent("taskmanager").appendingPathComponent("credentials.json"))
    }

    func read() throws -> Contents {
        guard FileManager.default.fileExists(atPath: url.path) else { return Contents() }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else {
            throw Failure.signedOut(
                "\(url.path) may be read by others (mode \(String(mode, radix: 8))): run `chmod 600 \(url.path)` or `tm login` again")
        }
        do {
            return try JSONDecoder().decode(Contents.self, from: Data(contentsOf: url))
        } catch {
            throw Failure.signedOut("\(url.path) is not a credentials file tm wrote: run `tm login` again")
        }
    }

    /// Replaces the file at once (a new file renamed over it), never readable by others.
    func write(_ contents: Contents) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(contents)
        let temporary = folder.appendingPathComponent(".credentials-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.signedOut("cannot write \(temporary.path)")
        }
        // rename(2): the old file or the new one, never half of either.
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure.signedOut("cannot write \(url.path)")
        }
    }
}

/// One server's refresh token in the credentials file: where `AuthenticationMiddleware` keeps
/// every rotated token, so the next `tm` finds the one the server will accept.
actor ServerTokenStore: RefreshTokenStore {
    let file: CredentialsFile
    let server: String

    init(file: CredentialsFile, server: String) {
        self.file = file
        self.server = server
    }

    func load() throws -> String? { try file.read().servers[server]?.refreshToken }

    func save(_ refreshToken: String?) throws {
        var contents = try file.read()
        if let refreshToken {
            contents.servers[server] = .init(refreshToken: refreshToken)
            contents.current = server
        } else {
            contents.servers[server] = nil
            if contents.current == server { contents.current = nil }
        }
        try file.write(contents)
    }
}
