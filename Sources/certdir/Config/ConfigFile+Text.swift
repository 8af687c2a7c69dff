import Foundation
import TOMLKit

extension ConfigFile {
    /// Parses the config file's text with TOMLKit, after refusing the shapes
    /// its toml++ does not survive (``refuseShapes(in:path:)``). One is a line
    /// that starts a table header (`[` or `[[` after blanks, outside strings
    /// and values) but is not a well-formed header: toml++ fails the
    /// assertion in `parse_key` on `[é]`, `[#]`, `[.x]`, a control character
    /// or carriage return after `[`, invalid UTF-8 (read as U+FFFD), a lone
    /// `[`, and the process ends instead of raising a parse error (found by
    /// the fuzz-config target). A malformed header is never valid TOML.
    /// - Throws: ``CLIError`` (78) naming the line; TOMLKit's parse errors.
    static func table(parsing text: String, path: String) throws -> TOMLTable {
        try refuseShapes(in: text, path: path)
        return try TOMLTable(string: text)
    }

    /// Whether `line` is a whole table header (`tableHeader`).
    static func isTableHeader(_ line: String) -> Bool {
        tableHeader.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    /// A whole TOML 1.0 table or array-of-tables header line: dotted keys of
    /// bare (A–Z a–z 0–9 `-` `_`), basic or literal quoted parts, blanks
    /// (space, tab) around them, an optional comment, an optional CR.
    private static let tableHeader: NSRegularExpression = {
        let key = #"(?:[A-Za-z0-9_-]+|"(?:[^"\\\x00-\x1f\x7f]|\\.)*"|'[^'\x00-\x1f\x7f]*')"#
        let dotted = #"[ \t]*\#(key)(?:[ \t]*\.[ \t]*\#(key))*[ \t]*"#
        let pattern = #"^[ \t]*(?:\[\#(dotted)\]|\[\[\#(dotted)\]\])[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?\r?$"#
        return try! NSRegularExpression(pattern: pattern)
    }()
}
