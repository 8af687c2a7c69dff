import Foundation

extension PublishPlan {
    /// The modify as an RFC 2849 LDIF change record that `ldapmodify` applies:
    /// `dn:`, the assertion control as a `control:` line (`1.3.6.1.1.12 true::`
    /// base64 BER, RFC 4528 §3), `changetype: modify`, then one `add:`/`delete:`/
    /// `replace:` block per change, values base64, lines folded at 76 columns.
    /// Empty when the plan is empty.
    ///
    /// ```
    /// version: 1
    ///
    /// dn: uid=alice,ou=people,dc=example,dc=com
    /// changetype: modify
    /// add: userCertificate;binary
    /// userCertificate;binary:: MIIC…
    /// -
    /// ```
    public var ldif: String {
        guard !changes.isEmpty else { return "" }
        var text = "version: 1\n\n" + LDIFSink.line("dn", Array(dn.utf8))
        if let assertionValue {
            text += LDIFSink.fold("control: \(Self.assertionOID) true:: \(Data(assertionValue).base64EncodedString())")
        }
        text += "changetype: modify\n"
        for change in changes {
            text += "\(change.operation.rawValue): \(change.attribute)\n"
            for value in change.values { text += LDIFSink.line(change.attribute, value, forceBase64: true) }
            text += "-\n"
        }
        return text + "\n"
    }

    /// The LDAP assertion control (RFC 4528 §3).
    static let assertionOID = "1.3.6.1.1.12"
}
