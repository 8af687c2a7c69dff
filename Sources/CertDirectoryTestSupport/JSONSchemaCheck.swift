import Foundation

/// Validates JSON Lines against a schema in `schema/` with Python's `jsonschema`
/// (an independent validator, not certdir's own code).
public enum JSONSchemaCheck {
    /// - Returns: `nil` when every line is valid, else jsonschema's first complaint.
    public static func validate(lines: String, schema: String) throws -> String? {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            validator = jsonschema.Draft202012Validator(schema)
            for number, line in enumerate(sys.stdin, 1):
                for error in validator.iter_errors(json.loads(line)):
                    print(f"line {number}: {error.message} at {list(error.absolute_path)}")
                    sys.exit(1)
            """
        let path = CertDirProcess.repository.appendingPathComponent("schema/\(schema)").path
        let result = try runTool("python3", ["-c", script, path], stdin: Data(lines.utf8))
        if result.status == 0 { return nil }
        return String(decoding: result.stdout, as: UTF8.self) + result.stderr
    }
}
