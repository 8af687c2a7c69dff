/// File names for the separate copies written for blind (Bcc) recipients:
/// the address made safe for any file system and shell, so that no address
/// (`../x@y`, `a/b@c`, a leading dot, control characters) can escape the
/// folder or hide the file.
public enum BlindCopyName {
    /// `address` lowercased, every character other than ASCII letters, digits,
    /// `.`, `_`, `@`, `+` and `-` made `_`, at most 200 characters, a leading
    /// `.` or `-` made `_`, then `.eml`; `-2`, `-3`… before the extension when
    /// the name is in `taken` (which receives the new name).
    public static func fileName(for address: String, taken: inout Set<String>) -> String {
        var stem = String(
            String.UnicodeScalarView(
                address.lowercased().unicodeScalars.map { scalar in
                    switch scalar {
                    case "a"..."z", "0"..."9", ".", "_", "@", "+", "-": scalar
                    default: "_"
                    }
                }
            ).prefix(200))
        if stem.isEmpty { stem = "_" }
        if stem.hasPrefix(".") || stem.hasPrefix("-") { stem = "_" + stem.dropFirst() }
        var name = stem + ".eml"
        var counter = 2
        while taken.contains(name) {
            name = "\(stem)-\(counter).eml"
            counter += 1
        }
        taken.insert(name)
        return name
    }
}
