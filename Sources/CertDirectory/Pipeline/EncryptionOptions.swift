/// The content-encryption algorithm.
public enum ContentCipher: String, Sendable, CaseIterable {
    /// AES-256 in CBC mode, in EnvelopedData (RFC 5652 §6, RFC 3565): the default, read by every client.
    case aes256CBC = "aes256-cbc"
    /// AES-128 in GCM mode, in AuthEnvelopedData (RFC 5083, RFC 5084).
    case aes128GCM = "aes128-gcm"
    /// AES-256 in GCM mode, in AuthEnvelopedData (RFC 5083, RFC 5084).
    case aes256GCM = "aes256-gcm"

    /// True for the authenticated (AuthEnvelopedData) ciphers.
    public var isAuthenticated: Bool { self != .aes256CBC }
}

/// How the content-encryption key reaches an RSA recipient (RFC 8551 §2.3).
public enum KeyTransport: String, Sendable, CaseIterable {
    /// RSAES-PKCS1-v1_5 (RFC 3370 §4.2.1): the default, for the widest interoperability.
    case rsaPKCS1 = "rsa-pkcs1"
    /// RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 3560, RFC 8017).
    case rsaOAEP = "rsa-oaep"
}
