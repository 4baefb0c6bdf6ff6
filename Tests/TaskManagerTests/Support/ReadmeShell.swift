import Foundation
import Testing

/// The README's shell blocks as text: the blocks, their commands, the `curl`s in them and the
/// comment after each.
enum ReadmeShell {
    struct Block {
        var lines: [(number: Int, text: String)]
        /// The first line without its comment.
        var firstCommand: String {
            ReadmeShell.commands(of: Block(lines: Array(lines.prefix(1)))).first?.code ?? ""
        }

        func starts(with command: String) -> Bool {
            firstCommand == command || firstCommand.hasPrefix(command + " ")
        }
    }

    static func blocks(of readme: String) -> [Block] {
        var blocks: [Block] = []
        var current: Block?
        for (index, line) in readme.components(separatedBy: "\n").enumerated() {
            if current == nil, ["```sh", "```bash", "```shell"].contains(line.trimmingCharacters(in: .whitespaces)) {
                current = Block(lines: [])
            } else if let block = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(block)
                current = nil
            } else {
                current?.lines.append((index + 1, line))
            }
        }
        return blocks
    }

    /// One command, over its continuation lines: how many `curl`s it runs and the comment after it.
    struct Command {
        var lines: ClosedRange<Int>
        var text: String
        var code: String
        var curls: Int
        var comment: String?
    }

    /// Splits a block into commands with a small shell lexer: quotes, `$(…)` inside and outside
    /// double quotes, backslashes, comments (a `#` at a word's start, outside quotes).
    static func commands(of block: Block) -> [Command] {
        enum Context { case command(parens: Int), single, double }
        var commands: [Command] = []
        var stack: [Context] = [.command(parens: 0)]
        var start: Int?
        var text = "", code = "", curls = 0
        for (number, line) in block.lines {
            let characters = Array(line)
            var comment: String?
            var commentStart: Int?
            var continued = false
            var index = 0
            scan: while index < characters.count {
                let character = characters[index]
                let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
                switch stack.last! {
                case .single:
                    if character == "'" { stack.removeLast() }
                case .double:
                    if character == "\\" { index += 1 }
                    else if character == "\"" { stack.removeLast() }
                    else if character == "$", next == "(" { stack.append(.command(parens: 0)); index += 1 }
                case .command(let parens):
                    if character == "\\" {
                        if next == nil { continued = true }
                        index += 1
                    } else if character == "'" { stack.append(.single) }
                    else if character == "\"" { stack.append(.double) }
                    else if character == "$", next == "(" { stack.append(.command(parens: 0)); index += 1 }
                    else if character == "(" { stack[stack.count - 1] = .command(parens: parens + 1) }
                    else if character == ")" {
                        if parens > 0 { stack[stack.count - 1] = .command(parens: parens - 1) }
                        else if stack.count > 1 { stack.removeLast() }
                    } else if character == "#", stack.count == 1, index == 0 || characters[index - 1].isWhitespace {
                        comment = String(characters[(index + 1)...]).trimmingCharacters(in: .whitespaces)
                        commentStart = index
                        break scan
                    } else if characters[index...].starts(with: "curl"), index + 4 == characters.count || characters[index + 4].isWhitespace,
                        index == 0 || " \t(|;&`".contains(characters[index - 1])
                    {
                        curls += 1
                    }
                }
                index += 1
            }
            start = start ?? number
            let lineCode = String(characters[..<(commentStart ?? characters.count)])
            var shown = line.trimmingCharacters(in: .whitespaces)
            if continued { shown.removeLast() }
            text += (text.isEmpty ? "" : " ") + shown.trimmingCharacters(in: .whitespaces)
            code += (code.isEmpty ? "" : " ") + lineCode.trimmingCharacters(in: .whitespaces)
            if comment == nil && (continued || stack.count > 1) { continue }
            stack = [.command(parens: 0)]
            commands.append(Command(lines: start!...number, text: String(text.prefix(120)), code: code, curls: curls, comment: comment))
            start = nil
            text = ""
            code = ""
            curls = 0
        }
        if let start, let last = block.lines.last {  // a block that ends inside a command
            commands.append(Command(lines: start...last.number, text: String(text.prefix(120)), code: code, curls: curls, comment: nil))
        }
        return commands
    }

    /// What the comment after a curl promises: a status first (else any 2xx), then JSON objects
    /// whose keys the answer holds with those values, and double-quoted strings it contains.
    struct Promise {
        var status: Int?
        var objects: [[String: Any]] = []
        var quoted: [String] = []
        var unreadable: String?

        init(_ comment: String?) {
            var rest = Substring(comment ?? "")
            if let match = rest.prefixMatch(of: /(\d{3})(?!\d)/) {
                status = Int(match.1)
                rest = rest[match.range.upperBound...]
            }
            while let open = rest.firstIndex(of: "{") {
                var depth = 0, inString = false, escaped = false
                var close: Substring.Index?
                for index in rest[open...].indices {
                    let character = rest[index]
                    if escaped { escaped = false } else if character == "\\" { escaped = inString }
                    else if character == "\"" { inString.toggle() }
                    else if !inString, character == "{" { depth += 1 }
                    else if !inString, character == "}" { depth -= 1; if depth == 0 { close = index; break } }
                }
                guard let close, let object = try? JSONSerialization.jsonObject(with: Data(rest[open...close].utf8)) as? [String: Any] else {
                    unreadable = "`\(rest[open...])` is no JSON object: write one, or a double-quoted string the answer contains"
                    rest = rest[..<open]
                    break
                }
                objects.append(object)
                rest = rest[..<open] + rest[rest.index(after: close)...]
            }
            quoted = rest.matches(of: /"[^"]*"/).map { String($0.0) }
        }

        func problems(status actual: Int?, body: String) -> [String] {
            var problems: [String] = []
            if let unreadable { problems.append(unreadable) }
            if let status, actual != status { problems.append("the README says \(status)") }
            if status == nil, !(200..<300).contains(actual ?? 0) { problems.append("the README says nothing, so a 2xx") }
            let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            for object in objects {
                for (key, value) in object where !((json?[key] as? NSObject)?.isEqual(value) ?? false) {
                    problems.append("the README says \"\(key)\" is \(value)")
                }
            }
            for text in quoted where !body.contains(text) { problems.append("the README says it contains \(text)") }
            return problems
        }
    }
}
