import TOMLKit

extension ConfigFile {
    /// Parses the config file's text with TOMLKit, after refusing the one
    /// shape its toml++ does not survive: a table header whose name starts
    /// with anything but a bare-key character or a quote (`[é]`, `[[ #]]`,
    /// `[.x]`, a control character, U+FFFD from invalid UTF-8) trips an
    /// assertion in toml++'s `parse_key` that ends the process instead of
    /// raising a parse error (found by the fuzz-config target). Such a header
    /// is never valid TOML; the check is by line, so a line of a multi-line
    /// array that starts with `[{` or `[#` is refused too, which no certdir
    /// setting needs.
    /// - Throws: ``CLIError`` (78) naming the line; TOMLKit's parse errors.
    static func table(parsing text: String, path: String) throws -> TOMLTable {
        // By scalars, not Characters: "[" followed by a combining mark is one Character.
        let blank: Set<Unicode.Scalar> = [" ", "\t", "\r"]
        for (index, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let header = line.drop { blank.contains($0) }
            guard header.first == "[" else { continue }
            let name = header.drop { $0 == "[" || blank.contains($0) }
            if let first = name.first, !Self.mayStartTableName(first) {
                throw CLIError(
                    .config,
                    "config file \(path) is not valid TOML: line \(index + 1): a table name must start with an "
                        + "ASCII letter, digit, '-', '_' or a quote")
            }
        }
        return try TOMLTable(string: text)
    }

    /// TOML 1.0 bare-key characters (A–Z a–z 0–9 `-` `_`), quotes, and `]`
    /// (an empty name, which toml++ reports as an error).
    private static func mayStartTableName(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_", "\"", "'", "]": true
        default: false
        }
    }
}
