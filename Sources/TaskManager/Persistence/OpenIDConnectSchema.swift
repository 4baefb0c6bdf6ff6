/// Migration 9: signing keys name their algorithm (the v3 rows are HS256 keys, kept so that the
/// tokens they signed verify until they expire); a sign-in page's request and its code keep the
/// `nonce` the ID token returns; an account, when its profile last changed (`/userinfo`'s `updated_at`).
enum OpenIDConnectSchema {
    static let migration = Migrations.Migration(
        version: 9, name: "asymmetric signing keys, the nonce of ID tokens, profile changes",
        statements: [
            "ALTER TABLE signing_keys ADD COLUMN alg TEXT NOT NULL DEFAULT 'HS256'",
            "ALTER TABLE authorize_requests ADD COLUMN nonce TEXT",
            "ALTER TABLE authorization_codes ADD COLUMN nonce TEXT",
            "ALTER TABLE users ADD COLUMN profile_updated_at BIGINT",
        ])
}
