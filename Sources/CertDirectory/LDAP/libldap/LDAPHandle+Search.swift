internal import CLDAP
import Foundation

extension LDAPHandle {
    /// Sends a search with `ldap_search_ext(3)`, with a paged-results control when `page` is given.
    /// - Returns: The message id its results will carry.
    /// - Throws: ``LDAPError`` when libldap cannot encode or send the request.
    func sendSearch(_ request: SearchRequest, page: PageRequest?) throws -> Int32 {
        let attributes = request.attributes.map { strdup($0) }
        defer { for attribute in attributes { free(attribute) } }
        var attrs: [UnsafeMutablePointer<CChar>?] = attributes + [nil]
        var msgid: Int32 = 0
        let scope: Int32 =
            switch request.scope {
            case .base: LDAP_SCOPE_BASE
            case .one: LDAP_SCOPE_ONELEVEL
            case .sub: LDAP_SCOPE_SUBTREE
            }
        let control = try page.map { try pageControl($0) }
        defer { if let control { ldap_control_free(control) } }
        var controls: [UnsafeMutablePointer<LDAPControl>?] = [control, nil]
        var timeLimit = cldap_timeval(request.timeLimit, 0)
        let rc = attrs.withUnsafeMutableBufferPointer { attrsBuffer in
            controls.withUnsafeMutableBufferPointer { controlsBuffer in
                withUnsafeMutablePointer(to: &timeLimit) { timeLimitPointer in
                    // libldap sends timeout->tv_sec as the server-side timeLimit (RFC 4511 §4.5.1.5).
                    ldap_search_ext(
                        ld, request.base, scope, request.filter.rawValue,
                        request.attributes.isEmpty ? nil : attrsBuffer.baseAddress, 0,
                        control == nil ? nil : controlsBuffer.baseAddress, nil,
                        request.timeLimit > 0 ? timeLimitPointer : nil, Int32(clamping: request.sizeLimit), &msgid)
                }
            }
        }
        try check(rc, "search")
        return msgid
    }

    /// Builds the RFC 2696 control, critical so that a server that cannot page
    /// says so instead of silently capping the result.
    private func pageControl(_ page: PageRequest) throws -> UnsafeMutablePointer<LDAPControl> {
        let (rc, control) = PageControl.make(ld, size: page.size, cookie: page.cookie)
        try check(rc, "ldap_create_page_control")
        guard let control else { throw LDAPError(code: .noMemory, operation: "ldap_create_page_control") }
        return control
    }
}
