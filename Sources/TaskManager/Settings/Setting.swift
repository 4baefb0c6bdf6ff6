import ArgumentParser

/// One setting, declared once: its flag (`--name`), its environment variable (`TASKMANAGER_NAME`),
/// its default, its help and its check all come from here. A flag wins over the variable, the
/// variable over the default; an empty variable counts as unset.
struct Setting: Sendable {
    /// The flag without its dashes, e.g. `access-token-ttl`.
    let name: String
    /// What the setting does, one sentence without the variable and the default.
    let summary: String
    /// The default in words, as `--help` and the README's table give it.
    let defaultValue: String
    let valueName: String?
    /// Checks `text` and stores it, or says what is wrong after "--name (TASKMANAGER_NAME)".
    let apply: @Sendable (_ text: String, _ settings: inout ServerSettings) throws(Refusal) -> Void

    struct Refusal: Error {
        /// Follows the setting's names: " must be …" or ": 'x' is not …".
        var reason: String
    }

    var flag: String { "--" + name }
    var variable: String { "TASKMANAGER_" + name.uppercased().replacingOccurrences(of: "-", with: "_") }
    var helpText: String { "\(summary) (\(variable)). Default: \(defaultValue)." }
    var help: ArgumentHelp { ArgumentHelp(helpText, valueName: valueName) }

    /// The flag's value, else the variable's; checked and stored into `settings`.
    func read(flag value: String?, environment: [String: String], into settings: inout ServerSettings) throws(ServerSettings.Invalid) {
        guard let text = value ?? environment[variable].flatMap({ $0.isEmpty ? nil : $0 }) else { return }
        do {
            try apply(text, &settings)
        } catch {
            throw ServerSettings.Invalid(description: "\(flag) (\(variable))\(error.reason)")
        }
    }

    /// The `@Option` help of the setting called `name`; a name not in `Setting.all` is a programming
    /// error that every test run meets at once.
    static func help(_ name: String) -> ArgumentHelp {
        guard let setting = all.first(where: { $0.name == name }) else { preconditionFailure("no setting named \(name)") }
        return setting.help
    }
}

extension Setting {
    /// A whole number in `range`, its default read from `ServerSettings()`.
    static func integer(
        _ name: String, _ summary: String, in range: ClosedRange<Int>, _ keyPath: WritableKeyPath<ServerSettings, Int> & Sendable,
        defaultValue: String? = nil
    ) -> Setting {
        Setting(name: name, summary: summary, defaultValue: defaultValue ?? String(ServerSettings()[keyPath: keyPath]), valueName: nil) {
            text, settings throws(Refusal) in
            settings[keyPath: keyPath] = try wholeNumber(text, in: range)
        }
    }

    /// A switch: `true`/`false` (or 1/0, yes/no, on/off).
    static func boolean(_ name: String, _ summary: String, _ keyPath: WritableKeyPath<ServerSettings, Bool> & Sendable) -> Setting {
        Setting(name: name, summary: summary, defaultValue: String(ServerSettings()[keyPath: keyPath]), valueName: nil) {
            text, settings throws(Refusal) in
            switch text.lowercased() {
            case "true", "1", "yes", "on": settings[keyPath: keyPath] = true
            case "false", "0", "no", "off": settings[keyPath: keyPath] = false
            default: throw Refusal(reason: " must be true or false, not '\(text)'")
            }
        }
    }

    static func wholeNumber(_ text: String, in range: ClosedRange<Int>) throws(Refusal) -> Int {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw Refusal(reason: " must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// Comma-separated items, blanks skipped, each parsed by `item` (which throws the reason).
    static func list<Item>(_ text: String, _ item: (String) throws(Refusal) -> Item) throws(Refusal) -> [Item] {
        var items: [Item] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            items.append(try item(part))
        }
        return items
    }
}

/// The flags of a command whose `@Option`s are settings, read generically: each `String?` option
/// (and each nested option group of settings) by the flag name ArgumentParser gives its property.
protocol SettingFlags: ParsableArguments {}

extension SettingFlags {
    /// Every flag this command declares (without dashes) → its value, `nil` where not given.
    var declaredFlags: [String: String?] {
        var declared: [String: String?] = [:]
        for child in Mirror(reflecting: self).children {
            if let option = child.value as? Option<String?>, let label = child.label {
                declared[Self.flagName(ofProperty: String(label.dropFirst()))] = .some(option.wrappedValue)
            } else if let group = child.value as? any SettingFlagGroup {
                declared.merge(group.declaredFlags) { first, _ in first }
            }
        }
        return declared
    }

    /// The settings this command declares, from the flags given, the environment and the defaults;
    /// the others keep their defaults.
    func settings(environment: [String: String]) throws(ServerSettings.Invalid) -> ServerSettings {
        let declared = declaredFlags
        var settings = ServerSettings()
        for setting in Setting.all {
            guard let value = declared[setting.name] else { continue }
            try setting.read(flag: value, environment: environment, into: &settings)
        }
        return settings
    }

    /// ArgumentParser's long name for a property: `accessTokenTTL` → `access-token-ttl`.
    static func flagName(ofProperty property: String) -> String {
        let characters = Array(property)
        var name = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { name.append("-") }
            }
            name.append(Character(character.lowercased()))
        }
        return name
    }
}

protocol SettingFlagGroup {
    var declaredFlags: [String: String?] { get }
}

extension OptionGroup: SettingFlagGroup where Value: SettingFlags {
    var declaredFlags: [String: String?] { wrappedValue.declaredFlags }
}
