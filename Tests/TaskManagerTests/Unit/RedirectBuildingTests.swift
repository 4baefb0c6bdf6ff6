import Testing

@testable import TaskManager

@Suite struct RedirectBuildingTests {
    @Test func theAnswerIsFormEncodedIntoTheRedirectURIsQuery() {
        let issuer = "https://tasks.example.com"
        #expect(
            SignInService.redirectURI("https://app.example.com/cb", [("code", "a b"), ("state", "x/y&z"), ("none", nil)], issuer: issuer)
                == "https://app.example.com/cb?code=a%20b&state=x%2Fy%26z&iss=https%3A%2F%2Ftasks.example.com")
        #expect(
            SignInService.redirectURI("https://app.example.com/cb?app=1", [("error", "access_denied")], issuer: issuer)
                .hasPrefix("https://app.example.com/cb?app=1&error=access_denied&iss="))
    }
}
