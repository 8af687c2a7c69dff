import Foundation

/// `--format ldif`: RFC 2849 change records that give each entry its
/// certificate values (`changetype: modify`, `add: userCertificate;binary`),
/// values base64, lines folded at 76 columns. Applied with `ldapmodify` to a
/// directory that holds the same people without certificates, it restores them.
///
/// `userCertificate` is written with `;binary`, as OpenLDAP requires (RFC 4522);
/// `userSMIMECertificate` values are the PKCS#7 bundles exactly as stored.
public final class LDIFSink: ExportSink {
    private let output: OutputFile

    public init(path: String) throws {
        output = try OutputFile(path: path, public: true)
        try output.write("version: 1\n\n")
    }

    public func record(_ record: ExportRecord) throws {}

    public func entry(dn: String, values: [(attribute: String, value: [UInt8], usable: Bool)]) throws {
        var text = Self.line("dn", Array(dn.utf8)) + "changetype: modify\n"
        var groups: [(String, [[UInt8]])] = []
        for value in values {
            let name = value.attribute.lowercased() == "usercertificate" ? "userCertificate;binary" : value.attribute
            if let index = groups.firstIndex(where: { $0.0 == name }) {
                groups[index].1.append(value.value)
            } else {
                groups.append((name, [value.value]))
            }
        }
        for (name, group) in groups {
            text += "add: \(name)\n"
            for value in group { text += Self.line(name, value, forceBase64: true) }
            text += "-\n"
        }
        try output.write(text + "\n")
    }

    public func finish() throws { try output.commit() }
    public func discard() { output.discard() }
    public var isStreaming: Bool { !output.isStaged }

    /// `name: value`, or `name:: base64` when the value is not a SAFE-STRING (RFC 2849), folded at 76 columns.
    static func line(_ name: String, _ value: [UInt8], forceBase64: Bool = false) -> String {
        let unsafeStart: Set<UInt8> = [0x20, 0x3a, 0x3c]
        let safe =
            !forceBase64 && (value.first.map { !unsafeStart.contains($0) } ?? true)
            && value.allSatisfy { $0 > 0 && $0 < 0x80 && $0 != 0x0a && $0 != 0x0d } && value.last != 0x20
        let text =
            safe
            ? "\(name): \(String(decoding: value, as: UTF8.self))" : "\(name):: \(Data(value).base64EncodedString())"
        return fold(text)
    }

    /// RFC 2849 §2: a long line continues on lines that begin with one space.
    static func fold(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.count > 76 else { return line + "\n" }
        var out = String(decoding: bytes[0..<76], as: UTF8.self) + "\n"
        var index = 76
        while index < bytes.count {
            let end = min(index + 75, bytes.count)
            out += " " + String(decoding: bytes[index..<end], as: UTF8.self) + "\n"
            index = end
        }
        return out
    }
}
