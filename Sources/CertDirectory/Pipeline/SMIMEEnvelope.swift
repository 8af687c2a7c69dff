/// How a message is split for S/MIME encryption (RFC 8551 §3.3): the content
/// header fields and the body become the inner MIME entity, which is
/// encrypted; every other field stays in the clear, unchanged, except Bcc
/// and Resent-Bcc, which are removed.
public enum SMIMEEnvelope {
    /// The fields that stay outside: all but `Content-*`, `MIME-Version`
    /// (the S/MIME writer adds its own) and, unless `keepBcc`, `Bcc` and `Resent-Bcc`.
    public static func clearFields(of message: MailMessage, keepBcc: Bool = false) -> [MailMessage.Field] {
        message.fields.filter { field in
            !field.isContentField && field.name.lowercased() != "mime-version" && (keepBcc || !field.isBlindCopy)
        }
    }

    /// The inner MIME entity: the content fields, an empty line, and the body,
    /// with every line ending made CRLF (RFC 8551 §3.1.1 canonical form).
    /// With `bodyOnly`, the whole input is the entity and is only canonicalised.
    public static func innerEntity(of message: MailMessage, original: [UInt8], bodyOnly: Bool) -> [UInt8] {
        if bodyOnly { return canonicalLineEndings(original) }
        var entity: [UInt8] = []
        entity.reserveCapacity(message.body.count + message.body.count / 16 + 1024)
        for field in message.fields where field.isContentField { appendCanonical(field.raw[...], to: &entity) }
        entity += [0x0d, 0x0a]
        appendCanonical(message.body, to: &entity)
        return entity
    }

    /// Rewrites bare LF (and bare CR) as CRLF; existing CRLF stays. Input that
    /// is already canonical is returned without copying.
    public static func canonicalLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        if isCanonical(bytes[...]) { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        appendCanonical(bytes[...], to: &out)
        return out
    }

    /// True when every CR is followed by LF and every LF preceded by CR.
    static func isCanonical(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var previous: UInt8 = 0
            for byte in buffer {
                if (byte == 0x0a) != (previous == 0x0d) && (byte == 0x0a || previous == 0x0d) { return false }
                previous = byte
            }
            return previous != 0x0d
        }
    }

    /// Appends `bytes` with line endings made CRLF, copying runs between line ends in blocks.
    static func appendCanonical(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var runStart = 0
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte == 0x0a || byte == 0x0d {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                    out.append(0x0d)
                    out.append(0x0a)
                    // A CRLF pair is one line end.
                    index += (byte == 0x0d && index + 1 < count && buffer[index + 1] == 0x0a) ? 2 : 1
                    runStart = index
                } else {
                    index += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<count]))
        }
    }
}
