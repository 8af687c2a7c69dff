internal import COpenSSL

/// What OpenSSL read from an S/MIME signed message.
struct CMSSignedParts: Sendable {
    /// `nil` when every signature verified; else OpenSSL's reason.
    var signatureFailure: String?
    /// Every certificate in the SignedData, DER, in encoded order.
    var certificates: [[UInt8]]
    /// The certificates that match a SignerInfo's sid (RFC 5652 §5.3), DER.
    var signers: [[UInt8]]
    /// The DER of the first value of the signed attributes (first SignerInfo).
    var smimeCapabilities: [UInt8]?
    var encryptionKeyPreference: [UInt8]?
    /// The first SignerInfo's issuerAndSerialNumber: issuer (RFC 4514) and serial (decimal).
    var signerIssuer: String?
    var signerSerial: String?
}

/// Reads and verifies an S/MIME signed message with OpenSSL CMS: clear-signed
/// `multipart/signed` with `application/pkcs7-signature` (RFC 8551 §3.5.3) and
/// opaque `application/pkcs7-mime; smime-type=signed-data` (§3.5.2), via
/// `SMIME_read_CMS(3)` and `CMS_verify(3)`.
enum CMSSignedMessage {
    /// - Parameter extra: Certificates from elsewhere that may be the signer's
    ///   (a message need not carry it, RFC 5652 §5.1).
    /// - Throws: ``SignedMessageError`` when `bytes` is not an S/MIME signed message.
    static func read(_ bytes: [UInt8], extra: [X509Ref] = []) throws -> CMSSignedParts {
        defer { OpenSSLErrorQueue.clear() }
        guard let input = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw SignedMessageError(description: "out of memory", notSigned: false)
        }
        // BIO_new_mem_buf does not copy: keep the bytes alive until the BIO is freed.
        return try withExtendedLifetime(bytes) {
            defer { BIO_free(input) }
            var detached: OpaquePointer?
            guard let cms = SMIME_read_CMS(input, &detached) else {
                throw SignedMessageError(description: "not an S/MIME message: \(OpenSSLErrorQueue.drain())")
            }
            defer {
                CMS_ContentInfo_free(cms)
                if let detached { BIO_free(detached) }
            }
            guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed else {
                throw SignedMessageError(description: "the S/MIME message is not signed-data")
            }
            var parts = CMSSignedParts(certificates: [], signers: [])
            var refs: [X509Ref] = []
            if let stack = CMS_get1_certs(cms) {
                for index in 0..<copenssl_sk_X509_num(stack) {
                    guard let cert = copenssl_sk_X509_value(stack, index) else { continue }
                    X509_up_ref(cert)
                    refs.append(X509Ref(owning: cert))
                }
                copenssl_sk_X509_pop_free(stack)
            }
            parts.certificates = refs.map(\.der)
            refs += extra
            if let infos = CMS_get0_SignerInfos(cms) {
                for index in 0..<OPENSSL_sk_num(infos) {
                    guard let info = OPENSSL_sk_value(infos, index).map(OpaquePointer.init) else { continue }
                    for ref in refs where CMS_SignerInfo_cert_cmp(info, ref.pointer) == 0 {
                        parts.signers.append(ref.der)
                    }
                    if index == 0 {
                        (parts.signerIssuer, parts.signerSerial) = signerID(info)
                        parts.smimeCapabilities = attribute(info, "1.2.840.113549.1.9.15")
                        parts.encryptionKeyPreference = attribute(info, "1.2.840.113549.1.9.16.2.11")
                    }
                }
            }
            OpenSSLErrorQueue.clear()
            // The signer's path is checked by certdir's own validator, not here.
            let output = BIO_new(BIO_s_mem())
            defer { BIO_free(output) }
            let extraStack = copenssl_sk_X509_new_null()
            defer { copenssl_sk_X509_free(extraStack) }
            for certificate in extra { copenssl_sk_X509_push(extraStack, certificate.pointer) }
            let verified = withExtendedLifetime(extra) {
                CMS_verify(cms, extraStack, nil, detached, output, UInt32(CMS_NO_SIGNER_CERT_VERIFY))
            }
            if verified != 1 {
                let reason = OpenSSLErrorQueue.drain()
                parts.signatureFailure = reason.isEmpty ? "CMS_verify failed" : reason
            }
            return parts
        }
    }

    /// The issuer (RFC 4514) and decimal serial of a SignerInfo's
    /// issuerAndSerialNumber; `nil`s for a subjectKeyIdentifier sid.
    private static func signerID(_ info: OpaquePointer) -> (String?, String?) {
        var keyID: UnsafeMutablePointer<ASN1_OCTET_STRING>?
        var issuer: OpaquePointer?
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        guard CMS_SignerInfo_get0_signer_id(info, &keyID, &issuer, &serial) == 1, let issuer, let serial,
            let number = ASN1_INTEGER_to_BN(serial, nil)
        else { return (nil, nil) }
        defer { BN_free(number) }
        guard let decimal = BN_bn2dec(number) else { return (X509Ref.rfc4514(issuer), nil) }
        defer { copenssl_free(decimal) }
        return (X509Ref.rfc4514(issuer), String(cString: decimal))
    }

    /// The DER of the first value of the signed attribute `oid`, or `nil`.
    private static func attribute(_ info: OpaquePointer, _ oid: String) -> [UInt8]? {
        guard let object = OBJ_txt2obj(oid, 1) else { return nil }
        defer { ASN1_OBJECT_free(object) }
        let index = CMS_signed_get_attr_by_OBJ(info, object, -1)
        guard index >= 0, let attribute = CMS_signed_get_attr(info, index),
            let value = X509_ATTRIBUTE_get0_type(attribute, 0)
        else { return nil }
        let length = i2d_ASN1_TYPE(value, nil)
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_ASN1_TYPE(value, &cursor)
        }
        return bytes
    }
}

extension X509Ref {
    /// The DER of the issuer Name followed by the serialNumber INTEGER: the
    /// content of an IssuerAndSerialNumber (RFC 5652 §10.2.4).
    var issuerAndSerialContent: [UInt8] {
        var bytes: [UInt8] = []
        let name = X509_get_issuer_name(pointer)
        let nameLength = i2d_X509_NAME(name, nil)
        if nameLength > 0 {
            var buffer = [UInt8](repeating: 0, count: Int(nameLength))
            buffer.withUnsafeMutableBufferPointer { raw in
                var cursor = raw.baseAddress
                _ = i2d_X509_NAME(name, &cursor)
            }
            bytes += buffer
        }
        let serial = X509_get0_serialNumber(pointer)
        let serialLength = i2d_ASN1_INTEGER(serial, nil)
        if serialLength > 0 {
            var buffer = [UInt8](repeating: 0, count: Int(serialLength))
            buffer.withUnsafeMutableBufferPointer { raw in
                var cursor = raw.baseAddress
                _ = i2d_ASN1_INTEGER(serial, &cursor)
            }
            bytes += buffer
        }
        return bytes
    }

    /// The subjectKeyIdentifier's bytes (RFC 5280 §4.2.1.2), or `nil`.
    var subjectKeyIdentifier: [UInt8]? {
        guard let skid = X509_get0_subject_key_id(pointer), let data = ASN1_STRING_get0_data(skid) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(skid))))
    }
}
