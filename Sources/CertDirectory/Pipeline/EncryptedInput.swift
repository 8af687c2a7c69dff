import Foundation

/// Mail that is already S/MIME encrypted, which a gateway passes on as it is
/// (wrapping it again would only hide it from its recipients' clients).
public enum EncryptedInput {
    /// True when the message's own content is `application/pkcs7-mime` (or the
    /// older `x-pkcs7-mime`) with `smime-type=enveloped-data` or
    /// `authEnveloped-data`; when `smime-type` is absent, when the base64 body
    /// starts a ContentInfo of type EnvelopedData or AuthEnvelopedData.
    public static func isEnveloped(_ message: MailMessage) -> Bool {
        guard let contentType = message.fields(named: "Content-Type").first?.value else { return false }
        let parts = contentType.split(separator: ";").map { String($0).trimmingSpaces.lowercased() }
        guard let type = parts.first, type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime" else {
            return false
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard pair.count == 2, pair[0] == "smime-type" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value == "enveloped-data" || value == "authenveloped-data"
        }
        return startsEnvelopedContentInfo(message.body)
    }

    /// The message unchanged except that Bcc and Resent-Bcc fields are removed.
    public static func withoutBlindCopies(_ message: MailMessage) -> [UInt8] {
        var out = message.fields.filter { !$0.isBlindCopy }.flatMap(\.raw)
        out += message.usesCRLF ? [0x0d, 0x0a] : [0x0a]
        out += message.body
        return out
    }

    // The content-type OIDs as DER (RFC 5652 §6.1, RFC 5083 §1.1).
    private static let envelopedData: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03]
    private static let authEnvelopedData: [UInt8] = [
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x17,
    ]

    /// Decodes the first base64 characters of the body and looks for the
    /// content-type OID right after the outer SEQUENCE's tag and length.
    private static func startsEnvelopedContentInfo(_ body: ArraySlice<UInt8>) -> Bool {
        let characters = body.lazy.filter { !($0 == 0x0d || $0 == 0x0a || $0 == 0x20 || $0 == 0x09) }.prefix(64)
        guard let head = Data(base64Encoded: Data(characters)).map(Array.init), head.count > 2, head[0] == 0x30
        else { return false }
        // Definite short, definite long (0x81…0x84) or indefinite (0x80) length.
        let lengthBytes = head[1] < 0x80 ? 1 : head[1] == 0x80 ? 1 : 1 + Int(head[1] & 0x7f)
        let rest = head.dropFirst(1 + lengthBytes)
        return rest.starts(with: envelopedData) || rest.starts(with: authEnvelopedData)
    }
}
