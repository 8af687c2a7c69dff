internal import CLDAP

/// Copies what libldap hands out into Swift values before the message is freed.
enum LDAPMessageDecoder {
    struct Done {
        var code: LDAPResultCode
        var diagnosticMessage: String?
        var matchedDN: String?
        var referrals: [String]
        /// The cookie of a paged-results response control (RFC 2696 §3); empty when
        /// the search is complete, `nil` when the server sent no such control.
        var pageCookie: [UInt8]? = nil
    }

    /// Decodes a searchResultEntry: DN, then every attribute with its values as bytes.
    /// Does not free `message`.
    static func entry(_ ld: OpaquePointer, _ message: OpaquePointer) -> LDAPEntry? {
        guard let dnPointer = ldap_get_dn(ld, message) else { return nil }
        let dn = String(cString: dnPointer)
        ldap_memfree(dnPointer)
        var attributes: [LDAPEntry.Attribute] = []
        var ber: OpaquePointer?
        var name = ldap_first_attribute(ld, message, &ber)
        while let current = name {
            attributes.append(
                LDAPEntry.Attribute(description: String(cString: current), values: values(ld, message, current)))
            ldap_memfree(current)
            name = ldap_next_attribute(ld, message, ber)
        }
        if let ber { ber_free(ber, 0) }
        return LDAPEntry(dn: dn, attributes: attributes)
    }

    private static func values(_ ld: OpaquePointer, _ message: OpaquePointer, _ attribute: UnsafeMutablePointer<CChar>)
        -> [[UInt8]]
    {
        guard let list = ldap_get_values_len(ld, message, attribute) else { return [] }
        defer { ldap_value_free_len(list) }
        var result: [[UInt8]] = []
        var index = 0
        while let value = list[index] {
            let length = Int(value.pointee.bv_len)
            if let base = value.pointee.bv_val, length > 0 {
                result.append(Array(UnsafeRawBufferPointer(start: base, count: length)))
            } else {
                result.append([])
            }
            index += 1
        }
        return result
    }

    /// The LDAP URLs of a searchResultReference. Does not free `message`.
    static func references(_ ld: OpaquePointer, _ message: OpaquePointer) -> [String] {
        var urls: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        guard ldap_parse_reference(ld, message, &urls, nil, 0) == LDAP_SUCCESS, let urls else { return [] }
        defer { ber_memvfree(UnsafeMutablePointer(OpaquePointer(urls))) }
        return strings(urls)
    }

    /// Decodes a searchResultDone and frees `message`.
    static func result(_ ld: OpaquePointer, _ message: OpaquePointer) -> Done {
        var code: Int32 = 0
        var matched: UnsafeMutablePointer<CChar>?
        var diagnostic: UnsafeMutablePointer<CChar>?
        var referrals: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var controls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        let rc = ldap_parse_result(ld, message, &code, &matched, &diagnostic, &referrals, &controls, 1)
        defer {
            if let matched { ldap_memfree(matched) }
            if let diagnostic { ldap_memfree(diagnostic) }
            if let referrals { ber_memvfree(UnsafeMutablePointer(OpaquePointer(referrals))) }
            if let controls { ldap_controls_free(controls) }
        }
        if rc != LDAP_SUCCESS {
            return Done(
                code: LDAPResultCode(rawValue: rc), diagnosticMessage: "cannot parse the search result", referrals: [])
        }
        return Done(
            code: LDAPResultCode(rawValue: code),
            diagnosticMessage: diagnostic.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 },
            matchedDN: matched.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 },
            referrals: referrals.map(strings) ?? [], pageCookie: pageCookie(ld, controls))
    }

    /// Reads the paged-results response control (`ldap_parse_pageresponse_control(3)`);
    /// the cookie is copied and its memory given back with `ber_memfree` (INTEROP.md).
    private static func pageCookie(
        _ ld: OpaquePointer, _ controls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
    ) -> [UInt8]? {
        guard let controls, let control = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, controls, nil) else {
            return nil
        }
        var count: ber_int_t = 0
        var cookie = berval(bv_len: 0, bv_val: nil)
        guard ldap_parse_pageresponse_control(ld, control, &count, &cookie) == LDAP_SUCCESS else { return nil }
        defer { if let value = cookie.bv_val { ber_memfree(value) } }
        guard let value = cookie.bv_val, cookie.bv_len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: value, count: Int(cookie.bv_len)))
    }

    private static func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> [String] {
        var result: [String] = []
        var index = 0
        while let item = list[index] {
            result.append(String(cString: item))
            index += 1
        }
        return result
    }
}
