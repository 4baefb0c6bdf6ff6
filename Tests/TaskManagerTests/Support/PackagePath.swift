import Foundation

/// A file of this package by its path from the package root (`Tests/browser/web_app.py`,
/// `README.md`), wherever the test that asks sits.
func packagePath(_ relative: String) -> URL {
    // This file is Tests/TaskManagerTests/Support/PackagePath.swift.
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(relative).standardizedFileURL
}
