/// Query or form parameters by name, keeping repeats: OAuth treats a parameter given twice as an
/// error, which a dictionary would hide.
struct ParameterList: Sendable {
    let pairs: [(String, String)]

    init(_ pairs: [(String, String)]) { self.pairs = pairs }

    func values(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// The one non-empty value, or `nil` when absent, empty or repeated.
    func single(_ name: String) -> String? {
        let found = values(name)
        return found.count == 1 && !found[0].isEmpty ? found[0] : nil
    }

    /// Why `single(name)` is `nil`, in words for a person who followed a link.
    func problem(_ name: String) -> String {
        values(name).count > 1 ? "\(name) is given twice." : "\(name) is missing: the link that brought you here is incomplete."
    }
}
