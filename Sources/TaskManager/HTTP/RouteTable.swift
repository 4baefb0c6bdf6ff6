/// Path templates and the methods the router registered for each: tells a 405 (known path, other
/// method) from a 404, and names the methods for `Allow` and CORS preflights.
struct RouteTable: Sendable {
    private let entries: [(segments: [Substring], methods: [String])]

    /// - Parameter methodsByPath: templates such as `/tasks/{id}` and the methods each serves.
    init(_ methodsByPath: [String: [String]]) {
        entries = methodsByPath.map { path, methods in
            (path.split(separator: "/", omittingEmptySubsequences: false), methods.sorted())
        }
    }

    /// The methods of the first template `path` matches, or `nil` when none does.
    func allowedMethods(for path: String) -> [String]? {
        entry(for: path)?.methods
    }

    private func entry(for path: String) -> (segments: [Substring], methods: [String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for entry in entries where entry.segments.count == segments.count {
            let matches = zip(entry.segments, segments).allSatisfy { template, actual in
                (template.hasPrefix("{") && template.hasSuffix("}") && !actual.isEmpty) || template == actual
            }
            if matches { return entry }
        }
        return nil
    }
}
