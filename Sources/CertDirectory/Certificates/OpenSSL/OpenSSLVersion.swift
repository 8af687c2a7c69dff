internal import COpenSSL

/// The OpenSSL library certdir runs with (not the headers it was built against).
public enum OpenSSLVersion {
    /// E.g. `OpenSSL 3.0.17 1 Jul 2025`.
    public static var text: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}
