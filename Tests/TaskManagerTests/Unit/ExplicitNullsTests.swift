import Foundation
import Testing

@testable import TaskManager

@Suite struct ExplicitNullsTests {
    /// What the decoder the generated code uses (Foundation's `JSONDecoder`) says are the top
    /// level's null keys: the reference, and how they were found before the scanner.
    static func reference(_ bytes: [UInt8]) -> Set<String> {
        struct NullProbe: Decodable {
            var isNull: Bool
            init(from decoder: any Decoder) throws {
                isNull = (try? decoder.singleValueContainer().decodeNil()) ?? false
            }
        }
        guard let object = try? JSONDecoder().decode([String: NullProbe].self, from: Data(bytes)) else { return [] }
        return Set(object.filter(\.value.isNull).keys)
    }

    @Test(arguments: [
        #"{"due_date": null}"#, #"{"title":"x","due_date":null , "email" :null}"#, #"  {  }  "#, "{}",
        #"{"a": {"b": null}, "c": [null, {"d": null}], "e": "null", "f": null}"#,
        #"{"k\u0065y": null, "t\"q": null, "s": "a\\\"}{,"}"#, #"{"n": -1.5e3, "t": true, "x": false, "z": null}"#,
        #"{"a": null, "a": 1}"#, #"{"a": 1, "a": null}"#, #"[null]"#, "null", #""str""#, "", "{", #"{"a": null"#,
        #"{"a" null}"#, #"{"a": nul}"#, #"{"a": null,}"#, #"{"a": null} x"#, "{\"a\u{1}\": null}",
        #"{"ü😀": null, "b": "ü😀"}"#,
    ])
    func findsWhatTheDecoderFinds(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(ExplicitNulls.find(in: bytes) == Self.reference(bytes), "\(text)")
    }

    /// Random objects of every JSON kind, nested, with escapes and odd spacing.
    @Test func agreesWithTheDecoderOnGeneratedBodies() throws {
        var random = SystemRandomNumberGenerator()
        func value(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &random) {
            case 0: return NSNull()
            case 1: return Bool.random(using: &random)
            case 2: return Double(Int.random(in: -1000...1000, using: &random)) / 8
            case 3, 4: return String((0..<Int.random(in: 0..<8, using: &random)).map { _ in "a\"\\/{}[],: \n\té😀".randomElement(using: &random)! })
            case 5: return (0..<Int.random(in: 0..<4, using: &random)).map { _ in value(depth + 1) }
            default:
                return Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0..<4, using: &random)).map { ("k\($0)\"", value(depth + 1)) })
            }
        }
        for _ in 0..<2_000 {
            var object: [String: Any] = [:]
            for index in 0..<Int.random(in: 0..<6, using: &random) {
                object[Bool.random(using: &random) ? "key\(index)" : "k\\\(index)\"ü"] = value(0)
            }
            let options: JSONSerialization.WritingOptions = Bool.random(using: &random) ? [.prettyPrinted] : []
            let bytes = Array(try JSONSerialization.data(withJSONObject: object, options: options))
            #expect(ExplicitNulls.find(in: bytes) == Self.reference(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
