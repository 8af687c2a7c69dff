internal import CLDAP

/// What the linked libldap says of itself and of its own configuration
/// (`ldap.conf`, `~/.ldaprc`, `LDAP*` variables), which it reads on first use
/// and applies to every connection that does not set the option.
public enum LibLDAPInfo {
    /// The default URI list, or `nil` when none is configured.
    public static var defaultURI: String? { LDAPHandle.globalStringOption(LDAP_OPT_URI) }
    /// The default search base, or `nil`.
    public static var defaultBase: String? { LDAPHandle.globalStringOption(LDAP_OPT_DEFBASE) }
    /// The CA file for TLS (`TLS_CACERT`), or `nil`.
    public static var defaultCAFile: String? { LDAPHandle.globalStringOption(LDAP_OPT_X_TLS_CACERTFILE) }

    /// The vendor and version of the libldap in use, e.g. `OpenLDAP 2.5.13`.
    public static var version: String {
        var info = LDAPAPIInfo()
        info.ldapai_info_version = LDAP_API_INFO_VERSION
        guard ldap_get_option(nil, LDAP_OPT_API_INFO, &info) == LDAP_OPT_SUCCESS else { return "libldap (unknown)" }
        defer {
            if let extensions = info.ldapai_extensions {
                extensions.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { ldap_memvfree($0) }
            }
            ldap_memfree(info.ldapai_vendor_name)
        }
        let vendor = info.ldapai_vendor_name.map { String(cString: $0) } ?? "libldap"
        // The vendor version is major * 10000 + minor * 100 + patch.
        let number = Int(info.ldapai_vendor_version)
        return "\(vendor) \(number / 10000).\(number / 100 % 100).\(number % 100)"
    }
}
