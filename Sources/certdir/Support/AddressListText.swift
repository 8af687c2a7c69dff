import Foundation

/// The text of a `--from` list: one address per line.
enum AddressListText {
    /// The non-blank, non-comment lines of `bytes`, trimmed. A UTF-8 byte order
    /// mark at the start is skipped (editors on Windows write one).
    /// - Throws: ``CLIError`` (65) naming the first line that is not valid UTF-8;
    ///   nothing is looked up, rather than a mangled address.
    static func lines(_ bytes: [UInt8], name: String) throws -> [String] {
        var text = bytes[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        var addresses: [String] = []
        for (index, raw) in text.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            guard let line = String(validating: raw, as: UTF8.self) else {
                throw CLIError(.dataError, "--from \(name) line \(index + 1): not valid UTF-8")
            }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") { addresses.append(trimmed) }
        }
        return addresses
    }
}
