import ArgumentParser
import Foundation
import Testing

@testable import TaskManager

@Suite struct SettingsTests {
    @Test func everySettingHasItsFlagOnServeAndNoFlagIsWithoutASetting() throws {
        let declared = try ServerOptions.parse([]).declaredFlags
        #expect(Set(declared.keys) == Set(Setting.all.map(\.name)))
        #expect(Set(Setting.all.map(\.name)).count == Setting.all.count, "a setting is declared twice")
    }

    @Test func everySettingIsInServesHelpWithItsVariableAndDefault() {
        // What `taskmanager serve --help` prints, its line wrapping and column padding undone.
        let help = Self.words(ServeCommand.helpMessage())
        for setting in Setting.all {
            let flag = setting.flag + (setting.valueName.map { " <\($0)>" } ?? " <\(setting.name)>")
            #expect(help.contains(flag + " " + Self.words(setting.helpText)), "\(setting.flag) is not in --help as declared")
        }
    }

    static func words(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func theCommandsThatOpenTheDatabaseOrSetAPasswordTakeTheSameFlags() {
        let help = Self.words(CreateUserCommand.helpMessage())
        for name in ["database-url", "database-pool-size", "database-timeout", "bcrypt-cost"] {
            let setting = Setting.all.first { $0.name == name }!
            #expect(help.contains(Self.words(setting.helpText)), "\(name)")
        }
    }

    @Test func everySettingHasARowInTheReadmesTable() throws {
        let readme = try String(
            contentsOf: packagePath("README.md"),
            encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `--") }
        for setting in Setting.all {
            #expect(
                rows.contains { $0.contains("`\(setting.flag)`") && $0.contains("`\(setting.variable)`") },
                "\(setting.flag) / \(setting.variable) has no row in the README's table")
        }
    }

    @Test func aFlagBeatsTheVariableWhichBeatsTheDefault() throws {
        #expect(try ServerOptions.parse([]).settings(environment: [:]).port == 8000)
        #expect(try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_PORT": "9000"]).port == 9000)
        #expect(try ServerOptions.parse(["--port", "9100"]).settings(environment: ["TASKMANAGER_PORT": "9000"]).port == 9100)
        // An empty variable is unset, as a shell's `export X=` means.
        #expect(try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_PORT": ""]).port == 8000)
        #expect(try ServerOptions.parse(["--database-timeout", "7"]).settings(environment: [:]).connectionPool.timeout == .seconds(7))
    }

    @Test func aRefusalNamesTheFlagAndTheVariable() {
        #expect {
            try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_ACCESS_TOKEN_TTL": "0"])
        } throws: { error in
            (error as? ServerSettings.Invalid)?.description
                == "--access-token-ttl (TASKMANAGER_ACCESS_TOKEN_TTL) must be a whole number from 1 to 315360000, not '0'"
        }
    }

    @Test func aCommandReadsOnlyTheSettingsItDeclares() throws {
        // `migrate` has no --port: a bad TASKMANAGER_PORT is not its business.
        let settings = try DatabaseOptions.parse([]).settings(environment: ["TASKMANAGER_PORT": "x", "TASKMANAGER_DATABASE_POOL_SIZE": "4"])
        #expect(settings.connectionPool.size == 4)
    }

    @Test func propertyNamesBecomeArgumentParsersFlags() {
        #expect(ServerOptions.flagName(ofProperty: "accessTokenTTL") == "access-token-ttl")
        #expect(ServerOptions.flagName(ofProperty: "publicURL") == "public-url")
        #expect(ServerOptions.flagName(ofProperty: "databaseURL") == "database-url")
        #expect(ServerOptions.flagName(ofProperty: "host") == "host")
    }
}
