/// Migration 9: signing keys name their algorithm; the v3 rows are HS256 keys, kept so that the
/// tokens they signed verify until they expire.
enum OpenIDConnectSchema {
    static let migration = Migrations.Migration(
        version: 9, name: "asymmetric signing keys",
        statements: ["ALTER TABLE signing_keys ADD COLUMN alg TEXT NOT NULL DEFAULT 'HS256'"])
}
