internal import CLDAP

/// One message libldap handed out for an operation (`ldap_result(3)`), owned
/// until it is read: each reading method consumes it, and one that is never
/// read is freed (`ldap_msgfree`) when it goes out of scope.
struct LDAPResponse: ~Copyable {
    /// What the message carries, as the connection routes it.
    enum Kind {
        case searchEntry
        case searchReference
        /// An LDAPResult that ends an operation: a searchResultDone, a modifyResponse,
        /// or an extendedResponse (Samba's AD DC answers an operation carrying a critical
        /// control it does not support with one, under the operation's message id).
        case done
        case other
    }

    private let message: OpaquePointer
    private let ld: OpaquePointer
    let msgid: Int32
    let kind: Kind

    fileprivate init(message: OpaquePointer, ld: OpaquePointer, type: Int32) {
        self.message = message
        self.ld = ld
        msgid = ldap_msgid(message)
        kind =
            switch type {
            case cldap_res_search_entry(): .searchEntry
            case cldap_res_search_reference(): .searchReference
            case cldap_res_search_result(), cldap_res_modify(), cldap_res_extended(): .done
            default: .other
            }
    }

    deinit { ldap_msgfree(message) }

    /// The entry of a searchResultEntry; `nil` when it cannot be decoded.
    consuming func entry() -> LDAPEntry? { LDAPMessageDecoder.entry(ld, message) }

    /// The LDAP URLs of a searchResultReference.
    consuming func references() -> [String] { LDAPMessageDecoder.references(ld, message) }

    /// The result code, diagnostic message, matched DN, referrals and paged-results cookie of an LDAPResult.
    consuming func result() -> LDAPMessageDecoder.Done {
        let done = LDAPMessageDecoder.result(ld, message)  // frees the message
        discard self
        return done
    }
}

/// What one non-blocking read of the connection gave.
enum LDAPRead: ~Copyable {
    /// Nothing waiting on the socket.
    case nothing
    /// The connection failed (`ldap_result` returned -1).
    case broken
    /// libldap reported a message but handed none out.
    case missing
    case response(LDAPResponse)
}

extension LDAPHandle {
    /// Reads one message without blocking (`ldap_result(LDAP_RES_ANY, LDAP_MSG_ONE)`, zero timeout).
    func read() -> LDAPRead {
        var zero = cldap_timeval(0, 0)
        var message: OpaquePointer?
        let type = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ONE, &zero, &message)
        if type == 0 { return .nothing }
        if type < 0 { return .broken }
        guard let message else { return .missing }
        return .response(LDAPResponse(message: message, ld: ld, type: type))
    }

    /// Abandons operation `msgid` (RFC 4511 §4.11, `ldap_abandon_ext(3)`); nothing once unbound.
    func abandon(_ msgid: Int32) {
        if let pointer { ldap_abandon_ext(pointer, msgid, nil, nil) }
    }

    /// True while the handle is open (not yet unbound).
    var isOpen: Bool { pointer != nil }
}
