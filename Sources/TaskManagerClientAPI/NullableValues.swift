// The rest of this module is generated from openapi.yaml (`oneOf: [X, null]` becomes an enum of two
// cases); these read such a field as a Swift optional.

extension Components.Schemas.NullableString {
    /// The string, or nil for `null`.
    public var value: String? { if case .case1(let text) = self { text } else { nil } }
}

extension Components.Schemas.NullableDate {
    /// The date as the API writes it (`YYYY-MM-DD`), or nil for `null`.
    public var value: String? { if case .case1(let date) = self { date } else { nil } }
}
