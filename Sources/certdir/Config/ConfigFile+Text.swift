import TOMLKit

extension ConfigFile {
    /// Parses the config file's text with TOMLKit, after refusing the one
    /// shape its toml++ does not survive: a table header whose name starts
    /// with a non-ASCII character (`[é]`, `[[ é]]`, also U+FFFD from invalid
    /// UTF-8) trips an assertion in toml++'s `parse_key` that ends the process
    /// instead of raising a parse error (found by the fuzz-config target).
    /// TOML 1.0 bare keys are ASCII, so no valid file is refused.
    /// - Throws: ``CLIError`` (78) naming the line; TOMLKit's parse errors.
    static func table(parsing text: String, path: String) throws -> TOMLTable {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let header = line.drop { $0 == " " || $0 == "\t" }
            guard header.first == "[" else { continue }
            let name = header.drop { $0 == "[" || $0 == " " || $0 == "\t" }
            if let first = name.unicodeScalars.first, !first.isASCII {
                throw CLIError(
                    .config,
                    "config file \(path) is not valid TOML: line \(index + 1): a table name must start with an "
                        + "ASCII letter, digit, '-', '_' or a quote")
            }
        }
        return try TOMLTable(string: text)
    }
}
