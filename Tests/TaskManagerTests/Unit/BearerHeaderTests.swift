import Crypto
import Foundation
import Testing

@testable import TaskManager

@Suite struct BearerHeaderTests {
    @Test(arguments: [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bEaReR   abc  ", "abc"),
        ("  Bearer abc", "abc"),
        ("Bearer\tabc", nil),
        ("Bearer", nil),
        ("Bearer    ", nil),
        ("Bearerabc", nil),
        ("Basic YWxpY2U6c2VjcmV0", nil),
        ("Béarer abc", nil),
    ] as [(String, String?)])
    func theTokenIsTakenFromTheBearerScheme(_ header: String, _ token: String?) {
        #expect(BearerAuthenticator.bearerToken(in: header) == token)
    }
}
