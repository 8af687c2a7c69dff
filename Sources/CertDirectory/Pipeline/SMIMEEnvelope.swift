/// How a message is split for S/MIME encryption (RFC 8551 §3.3): the content
/// header fields and the body become the inner MIME entity, which is
/// encrypted; every other field stays in the clear, unchanged, except Bcc,
/// which is removed.
public enum SMIMEEnvelope {
    /// The fields that stay outside: all but `Content-*`, `MIME-Version`
    /// (the S/MIME writer adds its own) and, unless `keepBcc`, `Bcc`.
    public static func clearFields(of message: MailMessage, keepBcc: Bool = false) -> [MailMessage.Field] {
        message.fields.filter { field in
            let name = field.name.lowercased()
            return !field.isContentField && name != "mime-version" && (keepBcc || name != "bcc")
        }
    }

    /// The inner MIME entity: the content fields, an empty line, and the body,
    /// with every line ending made CRLF (RFC 8551 §3.1.1 canonical form).
    /// With `bodyOnly`, the whole input is the entity and is only canonicalised.
    public static func innerEntity(of message: MailMessage, original: [UInt8], bodyOnly: Bool) -> [UInt8] {
        if bodyOnly { return canonicalLineEndings(original) }
        var entity: [UInt8] = []
        for field in message.fields where field.isContentField { entity += field.raw }
        entity += [0x0a]
        entity += message.body
        return canonicalLineEndings(entity)
    }

    /// Rewrites bare LF (and bare CR) as CRLF; existing CRLF stays.
    public static func canonicalLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0a && previous != 0x0d {
                out.append(0x0d)
            } else if previous == 0x0d && byte != 0x0a {
                out.append(0x0a)
            }
            out.append(byte)
            previous = byte
        }
        if previous == 0x0d { out.append(0x0a) }
        return out
    }
}
