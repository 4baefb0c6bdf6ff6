import Foundation

/// Why `tm` stops, with the exit status the contract gives each reason.
enum Failure: Error, Equatable {
    /// 1: the server refused; its `detail`.
    case refused(String)
    /// 2: the command line is wrong.
    case usage(String)
    /// 3: not signed in, or the sign-in is over.
    case signedOut(String)
    /// 4: the server did not answer.
    case unreachable(String)

    var status: Int32 {
        switch self {
        case .refused: 1
        case .usage: 2
        case .signedOut: 3
        case .unreachable: 4
        }
    }

    var message: String {
        switch self {
        case .refused(let text), .usage(let text), .signedOut(let text), .unreachable(let text): text
        }
    }

    /// One line on standard error (usage text as ArgumentParser wrote it), then the status.
    func exit() -> Never {
        let text = status == 2 ? message : message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data(("tm: " + text + "\n").utf8))
        Foundation.exit(status)
    }

    static let notSignedIn = Failure.signedOut("Not signed in: run `tm login --server URL`")
    static let expired = Failure.signedOut("The sign-in has ended: run `tm login` again")
}
