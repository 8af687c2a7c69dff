internal import CLDAP

/// Wraps `ldap_url_parse(3)`.
enum LDAPURLParser {
    static func parse(_ string: String) -> LDAPURL? {
        var description: UnsafeMutablePointer<LDAPURLDesc>?
        guard ldap_url_parse(string, &description) == LDAP_URL_SUCCESS, let url = description?.pointee else {
            return nil
        }
        defer { ldap_free_urldesc(description) }
        let scheme = url.lud_scheme.map { String(cString: $0).lowercased() } ?? "ldap"
        let host = url.lud_host.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        let defaultPort = scheme == "ldaps" ? 636 : 389
        let port = url.lud_port > 0 ? Int(url.lud_port) : defaultPort
        let dn = url.lud_dn.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        var attributes: [String] = []
        if var cursor = url.lud_attrs {
            while let attribute = cursor.pointee {
                attributes.append(String(cString: attribute))
                cursor += 1
            }
        }
        return LDAPURL(scheme: scheme, host: host, port: port, baseDN: dn, attributes: attributes, string: string)
    }
}
