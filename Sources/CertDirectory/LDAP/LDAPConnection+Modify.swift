import Dispatch
import Foundation

/// One change of a modify operation (RFC 4511 §4.6): add, delete or replace
/// values of one attribute. Values are bytes, sent as given (`LDAP_MOD_BVALUES`).
public struct LDAPModification: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable {
        /// Adds the values; fails with attributeOrValueExists (20) when one is there already.
        case add
        /// Deletes the values (each needs an equality rule); no values deletes the attribute.
        case delete
        /// Replaces every value with these; no values removes the attribute.
        case replace
    }

    public var operation: Operation
    /// The attribute description, options included (`userCertificate;binary`).
    public var attribute: String
    public var values: [[UInt8]]

    public init(_ operation: Operation, _ attribute: String, _ values: [[UInt8]]) {
        self.operation = operation
        self.attribute = attribute
        self.values = values
    }
}

extension LDAPConnection {
    /// Sends one modify operation and waits for its result.
    ///
    /// The server applies all `changes` or none (RFC 4511 §4.6). With an
    /// `assertion`, a critical assertion control (RFC 4528) makes the server
    /// apply them only while the filter holds for the entry; otherwise it
    /// answers ``LDAPResultCode/assertionFailed`` and changes nothing.
    /// - Parameters:
    ///   - dn: The entry to change.
    ///   - changes: Applied in order, as one operation.
    ///   - assertion: A filter the entry must match, e.g. `(entryCSN=…)`.
    /// - Throws: ``LDAPError`` with the result code when it is not success
    ///   (e.g. ``LDAPResultCode/insufficientAccessRights``, ``LDAPResultCode/noSuchObject``,
    ///   ``LDAPResultCode/constraintViolation``, ``LDAPResultCode/assertionFailed``);
    ///   ``LDAPResultCode/timeout`` after ``LDAPConfiguration/Timeouts/operation`` (the
    ///   operation is then abandoned, and may or may not have been applied).
    ///   Uses `ldap_modify_ext(3)` and `ldap_create_assertion_control(3)`.
    public func modify(_ dn: String, _ changes: [LDAPModification], assertion: LDAPFilter? = nil) async throws {
        if let failure { throw failure }
        let msgid = try ModifyRequest(changes).send(handle, dn: dn, assertion: assertion)
        do {
            _ = try await withCheckedThrowingContinuation { continuation in
                // The modify response is routed like a searchResultDone: by message id.
                var entry = PendingSearch(continuation: continuation, entryLimit: 0)
                if let timeout = operationTimeout {
                    entry.timer = makeTimer(
                        msgid: msgid, after: timeout,
                        error: LDAPError(
                            code: .timeout, operation: "modify", kind: .modify,
                            diagnosticMessage:
                                "no answer within the operation timeout; the change may or may not have been applied",
                            uri: uri))
                }
                pending[msgid] = entry
                drain()
            }
        } catch var error as LDAPError {
            error.operation = "modify \(dn)"
            error.kind = .modify
            throw error
        }
    }

    /// The BER value of an RFC 4528 assertion control for `filter`, as libldap
    /// sends it; for LDIF `control:` lines (RFC 2849).
    /// - Throws: ``LDAPError`` (``LDAPResultCode/filterError``) for a malformed filter.
    public func assertionControlValue(_ filter: LDAPFilter) throws -> [UInt8] {
        try ModifyRequest.assertionValue(handle, filter)
    }
}
