extension ConfigFile {
    /// Refuses the shapes of text that toml++ 3.4.0 (inside TOMLKit 0.6.0)
    /// does not survive: its parser fails an assertion (a precondition of the
    /// next function) and aborts certdir instead of raising a parse error.
    /// All are invalid TOML, so nothing valid is refused:
    /// - a table header line that is not well-formed (``isTableHeader(_:)``);
    /// - `}`, NEL (U+0085), LINE or PARAGRAPH SEPARATOR (U+2028, U+2029) where
    ///   an array expects its next value (`[}`, `[1, }`, also after blanks,
    ///   line breaks and comments): `parse_array` hands it to `parse_value`,
    ///   which asserts that a value does not start with a value terminator.
    /// - a local date followed by `T`/`t` and no digit (`1979-05-27t:`):
    ///   `parse_date_time` hands the next character to `parse_time`, which
    ///   asserts that it is a digit;
    /// - a local date, a space, one digit and a line break (`1979-05-27 1`):
    ///   `parse_value`'s look-ahead for a date-time asserts that its scan
    ///   does not start on a value terminator.
    ///
    /// Found by the fuzz-config target and by fuzzing toml++ alone with each
    /// known assertion as an error (docs/fuzzing.md). The scan follows TOML's lexical
    /// rules only as far as these shapes need: strings (basic, literal,
    /// multi-line) and comments are skipped, brackets and braces after `=`
    /// are tracked as arrays and inline tables.
    /// - Throws: ``CLIError`` (78) naming the line.
    static func refuseShapes(in text: String, path: String) throws {
        var scanner = ShapeScanner(Array(text.unicodeScalars))
        if let problem = scanner.firstProblem() {
            throw CLIError(.config, "config file \(path) is not valid TOML: line \(scanner.line)\(problem)")
        }
    }
}

/// The lexical walk behind ``ConfigFile/refuseShapes(in:path:)``.
private struct ShapeScanner {
    enum Nesting { case array, inlineTable }

    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var nesting: [Nesting] = []
    /// The next token starts a value: after `=`, after an array's `[` or `,`.
    var expectsValue = false

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    /// The first problem, worded to follow "line N" (``line`` is where it is).
    mutating func firstProblem() -> String? {
        var lineStart = true
        // toml++ reads a C string: it sees nothing after a NUL.
        while let scalar = peek(), scalar != "\0" {
            let atLineStart = lineStart
            lineStart = false
            switch scalar {
            case "\n":
                line += 1
                lineStart = true
                if nesting.isEmpty { expectsValue = false }
                index += 1
            case _ where Self.isValueTerminator(scalar) && !"]},#".unicodeScalars.contains(scalar):
                // An array hands NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (its other
                // whitespace is consumed or an error) to parse_value, which asserts.
                if expectsValue && nesting.last == .array && [0x85, 0x2028, 0x2029].contains(scalar.value) {
                    return ": U+\(String(scalar.value, radix: 16, uppercase: true)) where the array expects a value"
                }
                // toml++'s other whitespace: no change of state.
                lineStart = atLineStart
                index += 1
            case "#":
                while let next = peek(), next != "\n" { index += 1 }
            case "\"", "'":
                skipString(quote: scalar)
                expectsValue = false
            case "[" where nesting.isEmpty && !expectsValue && atLineStart:
                let start = index
                while let next = peek(), next != "\n" { index += 1 }
                let header = String(String.UnicodeScalarView(scalars[start..<index]))
                if !ConfigFile.isTableHeader(header) {
                    return " is not a table header ([name] or [[name]], names of ASCII letters, digits, '-', '_' "
                        + "or quoted)"
                }
            case "[":
                nesting.append(.array)
                expectsValue = true
                index += 1
            case "{":
                nesting.append(.inlineTable)
                expectsValue = false
                index += 1
            case "}":
                if expectsValue && nesting.last == .array {
                    return ": '}' where the array expects a value or ']'"
                }
                _ = nesting.popLast()
                expectsValue = false
                index += 1
            case "]":
                _ = nesting.popLast()
                expectsValue = false
                index += 1
            case ",":
                expectsValue = nesting.last == .array
                index += 1
            case "=":
                expectsValue = true
                index += 1
            default:
                if expectsValue, let problem = scalarValueProblem() { return ": " + problem }
                expectsValue = false
                index += 1
            }
        }
        return nil
    }

    /// A value that is not a string, array or inline table starts here. Two
    /// shapes of a local date are refused (toml++ asserts on both):
    /// - `YYYY-MM-DD` then `T` or `t` and no digit (`parse_time` asserts a digit);
    /// - ten characters (underscores are not counted) starting with a digit,
    ///   with `-` fifth and eighth, a space, one digit and a value terminator
    ///   (`1979-05-27 1` then a line break): the look-ahead for a date-time
    ///   with a space starts its scan on the terminator.
    func scalarValueProblem() -> String? {
        let isDigit: (Unicode.Scalar?) -> Bool = { $0.map { ("0"..."9").contains($0) } ?? false }
        // YYYY-MM-DD then T/t and no digit.
        let datePattern = Array("dddd-dd-dd".unicodeScalars)
        if datePattern.indices.allSatisfy({ datePattern[$0] == "d" ? isDigit(peek($0)) : peek($0) == "-" }),
            let separator = peek(datePattern.count), separator == "T" || separator == "t",
            !isDigit(peek(datePattern.count + 1))
        {
            return "a date-time needs a time (HH:MM:SS) after '\(separator)'"
        }
        // Ten characters from a digit, a space, one digit, a terminator.
        var characters: [Unicode.Scalar] = []
        var offset = 0
        while let scalar = peek(offset), !Self.isValueTerminator(scalar), scalar != "\0" {
            if scalar != "_" { characters.append(scalar) }
            offset += 1
        }
        // toml++ takes the look-ahead by traits, which most letters and symbols do not change
        // (`3csa-b;-r= 3` then a comment takes it too), so any ten characters count here: all
        // such values are invalid TOML.
        guard characters.count == 10, isDigit(characters[0]), characters[4] == "-", characters[7] == "-",
            peek(offset) == " ", isDigit(peek(offset + 1)), let after = peek(offset + 2),
            Self.isValueTerminator(after)
        else { return nil }
        return "a date followed by a space needs a time (HH:MM:SS), not one digit"
    }

    /// toml++'s value terminators: its whitespace (ASCII and Unicode
    /// horizontal and vertical), `]`, `}`, `,` and `#`.
    static func isValueTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060,
            0x3000, 0xFEFF:
            return true
        default:
            return scalar == "]" || scalar == "}" || scalar == "," || scalar == "#"
        }
    }

    /// Moves past a string that starts here (`"`, `'`, `"""` or `'''`),
    /// counting its line breaks; an unterminated one is toml++'s to report.
    mutating func skipString(quote: Unicode.Scalar) {
        let multiline = peek(1) == quote && peek(2) == quote
        index += multiline ? 3 : 1
        while let scalar = peek() {
            if scalar == "\\" && quote == "\"" {
                if peek(1) == "\n" { line += 1 }
                index += 2
                continue
            }
            if scalar == "\n" {
                if !multiline { return }
                line += 1
            }
            if scalar == quote {
                if !multiline {
                    index += 1
                    return
                }
                if peek(1) == quote && peek(2) == quote {
                    // Up to two more quotes may close it ("""a"""" is a"): take the last three.
                    index += 3
                    while peek() == quote { index += 1 }
                    return
                }
            }
            index += 1
        }
    }
}
