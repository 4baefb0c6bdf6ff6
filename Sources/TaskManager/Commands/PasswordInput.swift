import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a new password for a command: one line from standard input, or typed at the terminal
/// without echo (twice, to catch typos).
enum PasswordInput {
    static func read(fromStdin: Bool, confirm: Bool) throws -> String {
        if fromStdin {
            guard let line = readLine(strippingNewline: true) else { throw fail("no password on standard input") }
            return line
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw fail("standard input is not a terminal: pass --password-stdin to read the password from it")
        }
        let first = try prompt("Password: ")
        if confirm, try prompt("Repeat password: ") != first { throw fail("the passwords do not match", code: 1) }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw fail("no password entered") }
        return line
    }
}
