import Testing

@testable import TaskManager

/// The web app's scripts and styles lose their whole-line comments and indentation on the way out,
/// and nothing else.
@Suite struct AssetCompactorTests {
    @Test func commentsAndIndentationGoCodeStays() {
        let source = """
            // A module's comment.
            /**
             * A block.
             */
            export function f(a) {
                /* one line */
                const b = a * 2; // kept: after code
                /* before */ const c = "// not a comment";
                /* a */ c.trim(); /* b */
                return b + c;
            }

            .x { color: red; } /* after */
            """
        let compacted = String(decoding: AssetCompactor.compact(Array(source.utf8)), as: UTF8.self)
        #expect(
            compacted == """
                export function f(a) {
                const b = a * 2; // kept: after code
                /* before */ const c = "// not a comment";
                /* a */ c.trim(); /* b */
                return b + c;
                }
                .x { color: red; } /* after */

                """)
    }

    @Test func everyServedScriptIsSmallerAndStillParsesItsImports() {
        for (name, asset) in WebAppPages.assets where name.hasSuffix(".js") {
            let text = String(decoding: asset.bytes, as: UTF8.self)
            #expect(!text.contains("\n//") && !text.hasPrefix("//"), "\(name) keeps a comment line")
            #expect(!text.isEmpty, "\(name)")
        }
    }
}
