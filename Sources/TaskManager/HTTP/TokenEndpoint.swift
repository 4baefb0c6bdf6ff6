import TaskManagerAPI

/// The token endpoints, which answer in RFC 6749's terms rather than the rest of the API's.
enum TokenEndpoint {
    static let operationIDs: Set<String> = [
        Operations.CreateToken.id, Operations.RevokeToken.id, Operations.AuthorizeDevice.id, Operations.IntrospectToken.id,
    ]
    static let formExpected =
        "The request body must be form data (application/x-www-form-urlencoded), as OAuth2 token requests are"
    /// The grant types of Auth0's MFA API, whose wire format the second factor speaks.
    static let mfaOTPGrant = "http://auth0.com/oauth/grant-type/mfa-otp"
    static let mfaRecoveryCodeGrant = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
}
