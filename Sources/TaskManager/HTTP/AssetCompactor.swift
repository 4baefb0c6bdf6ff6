/// What the web app's files lose on their way to the browser: whole-line comments (`//` lines and
/// `/* … */` blocks that begin a line), leading indentation and blank lines. The sources keep
/// their comments for their readers; the page and its assets stay within the web app's 100 KiB
/// budget. Line breaks stay, so JavaScript's automatic semicolons are unchanged; a comment after
/// code, and every line inside a string, are left alone (the modules have no string that spans
/// lines).
enum AssetCompactor {
    static func compact(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var inBlock = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let text = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if inBlock {
                if contains(text, "*/") { inBlock = false }
                continue
            }
            if text.isEmpty || text.starts(with: "//".utf8) { continue }
            if text.starts(with: "/*".utf8) {
                if !contains(text, "*/") {
                    inBlock = true
                    continue
                }
                // A comment that ends the line is the whole line; one followed by code is kept.
                if endsWithClose(text) { continue }
            }
            output += text
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    /// Whether the comment that opens the line is the whole line: its first `*/` ends it.
    private static func endsWithClose(_ text: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(text)
        var end = bytes.count
        while end > 0, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[end - 1]) { end -= 1 }
        guard end >= 4, bytes[end - 2] == UInt8(ascii: "*"), bytes[end - 1] == UInt8(ascii: "/") else { return false }
        // The first close after the opening `/*` is the last one.
        var index = 2
        while index + 1 < end {
            if bytes[index] == UInt8(ascii: "*"), bytes[index + 1] == UInt8(ascii: "/") { return index + 2 == end }
            index += 1
        }
        return false
    }

    private static func contains(_ text: ArraySlice<UInt8>, _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard text.count >= pattern.count else { return false }
        var index = text.startIndex
        while index <= text.endIndex - pattern.count {
            if text[index..<index + pattern.count].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}
