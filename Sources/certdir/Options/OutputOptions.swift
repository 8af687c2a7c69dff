import ArgumentParser

/// `-v` and `-q`, with one meaning on every command: verbose adds connection
/// details and progress on stderr; quiet leaves only errors there.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Also log connection details and progress on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors (no warnings, summaries or progress).")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("give --verbose or --quiet, not both") }
    }

    /// A warning or note on stderr, unless `--quiet`.
    func note(_ message: String) {
        if !quiet { Console.fail(message) }
    }
}

/// `--format` of the commands that print records as text or JSON Lines.
/// `jsonl` is read as `json` (a deprecated spelling kept for one release).
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json

    init?(argument: String) {
        self.init(rawValue: argument == "jsonl" ? "json" : argument)
    }
}
