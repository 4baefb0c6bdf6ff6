import Testing

@testable import TaskManager

@Suite struct FormFieldsTests {
    @Test func parsesPairsInOrderKeepingRepeats() {
        let pairs = FormFields.parse("a=1&b=x+y%2Fz&a=2&empty=&bare&bad=%zz%4")
        #expect(pairs.map(\.0) == ["a", "b", "a", "empty", "bare", "bad"])
        #expect(pairs.map(\.1) == ["1", "x y/z", "2", "", "", "%zz%4"])
        #expect(FormFields.parse("").isEmpty)
        #expect(FormFields.parse("s=%E2%9C%93%3C")[0].1 == "✓<")
    }

    @Test func encodesAllButTheUnreservedCharacters() {
        #expect(FormFields.encode("http://127.0.0.1:8000/x?y=1&z") == "http%3A%2F%2F127.0.0.1%3A8000%2Fx%3Fy%3D1%26z")
        #expect(FormFields.encode("a b+c~d-e_f.g") == "a%20b%2Bc~d-e_f.g")
        #expect(FormFields.encode("✓") == "%E2%9C%93")
        for text in ["x y/z", "<script>&amp;", "é\u{0}"] {
            #expect(FormFields.decode(Substring(FormFields.encode(text))) == text)
        }
    }
}
