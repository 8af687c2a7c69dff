internal import CLDAP

/// The simple paged-results request control (RFC 2696 §2), built by libldap.
enum PageControl {
    /// `ldap_create_page_control(3)` with criticality TRUE; free the control with `ldap_control_free`.
    static func make(_ ld: OpaquePointer, size: Int, cookie: [UInt8]) -> (Int32, UnsafeMutablePointer<LDAPControl>?) {
        var control: UnsafeMutablePointer<LDAPControl>?
        var bytes = cookie
        let rc = bytes.withUnsafeMutableBytes { buffer in
            var value = berval(
                bv_len: ber_len_t(buffer.count), bv_val: buffer.baseAddress?.assumingMemoryBound(to: CChar.self))
            return ldap_create_page_control(ld, ber_int_t(size), &value, 1, &control)
        }
        return (rc, control)
    }
}
