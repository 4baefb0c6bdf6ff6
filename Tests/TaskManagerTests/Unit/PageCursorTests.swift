import Foundation
import Testing

@testable import TaskManager

@Suite struct PageCursorTests {
    @Test func roundTrips() throws {
        let cursor = PageCursor(createdAt: 1_795_921_711_045_689, id: "d1898070-d7ff-44fc-b26b-f0898eb96965")
        let text = cursor.encoded
        #expect(!text.contains("="))
        #expect(text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(PageCursor(encoded: text) == cursor)
    }

    @Test(arguments: [
        "", "abc", "!!!!", "djE6", "djE6MTIzOmFiYw",  // "v1:123:abc"
        Base64URL.encode(Data("v2:1:d1898070-d7ff-44fc-b26b-f0898eb96965".utf8)),
        Base64URL.encode(Data("v1:-5:d1898070-d7ff-44fc-b26b-f0898eb96965".utf8)),
        Base64URL.encode(Data("v1:x:d1898070-d7ff-44fc-b26b-f0898eb96965".utf8)),
        Base64URL.encode(Data("v1:1:D1898070-D7FF-44FC-B26B-F0898EB96965".utf8)),
        Base64URL.encode(Data("v1:1:d1898070-d7ff-44fc-b26b-f0898eb96965:extra".utf8)),
        String(repeating: "A", count: 600),
    ])
    func refusesWhatItDidNotMake(_ text: String) {
        #expect(PageCursor(encoded: text) == nil)
    }
}
