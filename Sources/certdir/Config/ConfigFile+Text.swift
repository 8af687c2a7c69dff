import Foundation
import TOMLKit

extension ConfigFile {
    /// Parses the config file's text with TOMLKit, after refusing the shape
    /// its toml++ does not survive: a line that starts a table header (`[` or
    /// `[[` after blanks) but is not a well-formed header. toml++ fails the
    /// assertion in `parse_key` on `[é]`, `[#]`, `[.x]`, a control character or
    /// carriage return after `[`, invalid UTF-8 (read as U+FFFD), a lone `[`,
    /// and the process ends instead of raising a parse error (found by the
    /// fuzz-config target). A malformed header is never valid TOML; the check
    /// is by line, so a line of a multi-line array that starts with `[` (a
    /// nested array) is refused too, which no certdir setting needs.
    /// - Throws: ``CLIError`` (78) naming the line; TOMLKit's parse errors.
    static func table(parsing text: String, path: String) throws -> TOMLTable {
        // By scalars, not Characters: "[" followed by a combining mark is one Character.
        for (index, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.drop(while: { $0 == " " || $0 == "\t" }).first == "[" else { continue }
            let string = String(String.UnicodeScalarView(line))
            let range = NSRange(string.startIndex..., in: string)
            if Self.tableHeader.firstMatch(in: string, range: range) == nil {
                throw CLIError(
                    .config,
                    "config file \(path) is not valid TOML: line \(index + 1) is not a table header "
                        + "([name] or [[name]], names of ASCII letters, digits, '-', '_' or quoted)")
            }
        }
        return try TOMLTable(string: text)
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
