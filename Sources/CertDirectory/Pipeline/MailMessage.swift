/// An RFC 5322 message (or a bare MIME entity) split into its header fields
/// and body, bytes kept exactly as given.
///
/// Only what the S/MIME pipeline needs is interpreted: field names, for
/// sorting content headers from routing headers, and the address fields.
/// Folded fields (RFC 5322 §2.2.3) stay folded, so headers left in the clear
/// come out unchanged.
public struct MailMessage: Sendable {
    /// One header field with its raw bytes, line ending(s) included.
    public struct Field: Sendable {
        /// The field name as written (`Subject`, `content-type`…).
        public let name: String
        /// The whole field, from the name to the end of its last line.
        public let raw: [UInt8]

        /// The unfolded value after the colon, with CR/LF removed.
        public var value: String {
            guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else { return "" }
            let bytes = raw[(colon + 1)...].filter { $0 != 0x0d && $0 != 0x0a }
            return String(decoding: bytes, as: UTF8.self).trimmingSpaces
        }

        /// True for the fields that describe the content (RFC 2045 §9: `Content-*`),
        /// which move inside the encrypted entity.
        public var isContentField: Bool { name.lowercased().hasPrefix("content-") }
    }

    public let fields: [Field]
    /// The body, sharing storage with the input.
    public let body: ArraySlice<UInt8>
    /// True when the header section ends its lines with CRLF rather than LF.
    public let usesCRLF: Bool

    /// Splits `bytes` at the first empty line.
    /// - Throws: ``MailMessageError`` for input that has no header section, a
    ///   line that is neither a field nor a continuation, or a NUL byte in the headers.
    public init(parsing bytes: [UInt8]) throws {
        var fields: [Field] = []
        var index = 0
        var sawCRLF = false
        var current: (name: String, start: Int)?
        func lineEnd(from start: Int) -> Int {
            var cursor = start
            while cursor < bytes.count && bytes[cursor] != 0x0a { cursor += 1 }
            return cursor < bytes.count ? cursor + 1 : cursor
        }
        while index < bytes.count {
            let end = lineEnd(from: index)
            let line = bytes[index..<end]
            let content = line.filter { $0 != 0x0d && $0 != 0x0a }
            if content.isEmpty {
                if line.contains(0x0d) { sawCRLF = true }
                if let open = current { fields.append(Field(name: open.name, raw: Array(bytes[open.start..<index]))) }
                current = nil
                index = end
                break
            }
            if line.contains(0) { throw MailMessageError("a header line contains a NUL byte") }
            if line.count >= 2 && line[line.endIndex - 2] == 0x0d { sawCRLF = true }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                guard current != nil else { throw MailMessageError("the message starts with a continuation line") }
            } else {
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                    line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7f })
                else {
                    let shown = String(decoding: content.prefix(60), as: UTF8.self)
                    throw MailMessageError("not a header field: \(shown.debugDescription)")
                }
                if let open = current { fields.append(Field(name: open.name, raw: Array(bytes[open.start..<index]))) }
                current = (String(decoding: line[line.startIndex..<colon], as: UTF8.self), index)
            }
            index = end
        }
        if let open = current {
            // Headers only, no empty line and no body.
            fields.append(Field(name: open.name, raw: Array(bytes[open.start..<bytes.count])))
            index = bytes.count
        }
        self.fields = fields
        self.body = bytes[min(index, bytes.count)...]
        self.usesCRLF = sawCRLF
    }

    /// The fields named `name` (case-insensitive), in order.
    public func fields(named name: String) -> [Field] {
        fields.filter { $0.name.lowercased() == name.lowercased() }
    }

    /// Every address in the To, Cc and Bcc fields (RFC 5322 §3.6.3), in order, duplicates removed.
    public var recipientAddresses: [String] {
        var seen = Set<String>()
        return ["To", "Cc", "Bcc"].flatMap { fields(named: $0) }.flatMap { AddressList.addresses(in: $0.value) }
            .filter { seen.insert($0.lowercased()).inserted }
    }
}

/// A message that cannot be processed.
public struct MailMessageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
