import Foundation
import HTTPTypes
@_spi(Generated) import OpenAPIRuntime
import Testing
import TaskManagerAPI

@testable import TaskManager

/// `JSONWriter` against the generated serializer's own encoding (swift-openapi-runtime's
/// `Converter` with the server's configuration) over many generated values, and the keys it
/// writes against the OpenAPI document, so that a schema change the writer misses fails here.
@Suite struct JSONWriterTests {
    /// Exactly what the generated serializer does with a response body.
    static func generated(_ value: some Encodable & Sendable) async throws -> [UInt8] {
        var fields = HTTPFields()
        let body = try Converter(configuration: .taskManager)
            .setResponseBodyAsJSON(value, headerFields: &fields, contentType: "application/json; charset=utf-8")
        return try await [UInt8](collecting: body, upTo: .max)
    }

    static func written(_ value: some JSONWritable) -> [UInt8] {
        var writer = JSONWriter()
        writer.object(value)
        return writer.bytes
    }

    struct Values: RandomNumberGenerator {
        var base = SystemRandomNumberGenerator()
        mutating func next() -> UInt64 { base.next() }

        /// Text with what JSON must escape, what it must not (`/`, DEL, U+2028), and non-ASCII.
        mutating func text() -> String {
            let alphabet: [Unicode.Scalar] = (0..<0x80).map { Unicode.Scalar(UInt8($0)) }
                + ["é", "ß", "😀", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{7F}", "中", "\u{10FFFF}"]
            return String(String.UnicodeScalarView((0..<Int.random(in: 0..<24, using: &self)).map { _ in
                alphabet.randomElement(using: &self)!
            }))
        }

        mutating func date() -> Date {
            // Microsecond instants, as the database keeps them, from 1970 to 2100.
            Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000_000, using: &self)) / 1_000_000)
        }

        mutating func nullableString() -> Components.Schemas.NullableString {
            .init(Bool.random(using: &self) ? text() : nil)
        }

        mutating func task() -> Components.Schemas.Task {
            .init(
                id: UUID().uuidString.lowercased(), listId: UUID().uuidString.lowercased(), createdBy: nullableString(),
                title: text(), description: text(), done: .random(using: &self),
                priority: Components.Schemas.Priority.allCases.randomElement(using: &self)!,
                dueDate: .init(Bool.random(using: &self) ? "2026-12-\(Int.random(in: 10...31, using: &self))" : nil),
                createdAt: date(), updatedAt: date())
        }

        mutating func user() -> Components.Schemas.User {
            .init(
                id: UUID().uuidString.lowercased(), username: text(), email: nullableString(), fullName: nullableString(),
                isActive: .random(using: &self), isAdmin: .random(using: &self), mfaEnabled: .random(using: &self),
                createdAt: date())
        }
    }

    @Test func writesTasksAndPagesAsTheGeneratedEncodingDoes() async throws {
        var values = Values()
        for _ in 0..<500 {
            let page = Components.Schemas.TaskPage(
                items: (0..<Int.random(in: 0..<5, using: &values)).map { _ in values.task() },
                nextCursor: values.nullableString())
            let expected = try await Self.generated(page)
            #expect(Self.written(page) == expected, "\(String(decoding: expected, as: UTF8.self))")
            let task = values.task()
            let expectedTask = try await Self.generated(task)
            #expect(Self.written(task) == expectedTask)
        }
    }

    @Test func writesUsersAsTheGeneratedEncodingDoes() async throws {
        var values = Values()
        for _ in 0..<1_000 {
            let user = values.user()
            let expected = try await Self.generated(user)
            #expect(Self.written(user) == expected, "\(String(decoding: expected, as: UTF8.self))")
        }
    }

    /// Every property the document gives these schemas, and no other, in the order written.
    @Test func writesHealthAsTheGeneratedEncodingDoes() async throws {
        for status in ["ok", "not \"ok\" / </script>"] {
            let health = Components.Schemas.Health(status: status)
            #expect(Self.written(health) == (try await Self.generated(health)))
        }
    }

    @Test(arguments: ["Task", "TaskPage", "User", "Health"])
    func writesEveryPropertyOfTheSchema(_ name: String) throws {
        let document = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.compiled.json.utf8)) as? [String: Any]
        let schemas = (document?["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let properties = try #require((schemas?[name] as? [String: Any])?["properties"] as? [String: Any])
        var values = Values()
        let bytes: [UInt8] =
            switch name {
            case "Task": Self.written(values.task())
            case "User": Self.written(values.user())
            case "Health": Self.written(Components.Schemas.Health(status: "ok"))
            default: Self.written(Components.Schemas.TaskPage(items: [], nextCursor: .init(nil)))
            }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object.keys.sorted() == properties.keys.sorted())
    }
}
