internal import CLDAP
import Foundation

/// The C side of a modify operation: the `LDAPMod` array that
/// `ldap_modify_ext(3)` reads, and the RFC 4528 assertion control.
///
/// `ModifyRequest` owns every allocation behind the array (the `LDAPMod`
/// structs, attribute names, `berval`s and value bytes) and frees them in
/// `deinit`; libldap encodes the request during `ldap_modify_ext`, so the
/// memory only has to outlive that call.
final class ModifyRequest {
    private var mods: [UnsafeMutablePointer<LDAPMod>?] = []
    private var valueLists: [UnsafeMutablePointer<UnsafeMutablePointer<berval>?>] = []
    private var values: [UnsafeMutablePointer<berval>] = []

    init(_ changes: [LDAPModification]) {
        for change in changes {
            let mod = UnsafeMutablePointer<LDAPMod>.allocate(capacity: 1)
            mod.initialize(to: LDAPMod())
            mod.pointee.mod_op = Self.operation(change.operation) | Int32(LDAP_MOD_BVALUES)
            mod.pointee.mod_type = strdup(change.attribute)
            if !change.values.isEmpty {
                let list = UnsafeMutablePointer<UnsafeMutablePointer<berval>?>.allocate(
                    capacity: change.values.count + 1)
                for (index, bytes) in change.values.enumerated() {
                    let value = UnsafeMutablePointer<berval>.allocate(capacity: 1)
                    let copy = malloc(max(bytes.count, 1))!
                    bytes.withUnsafeBytes {
                        if let base = $0.baseAddress { copy.copyMemory(from: base, byteCount: $0.count) }
                    }
                    value.initialize(
                        to: berval(bv_len: ber_len_t(bytes.count), bv_val: copy.assumingMemoryBound(to: CChar.self)))
                    values.append(value)
                    list[index] = value
                }
                list[change.values.count] = nil
                valueLists.append(list)
                cldap_mod_set_bvalues(mod, list)
            }
            mods.append(mod)
        }
        mods.append(nil)
    }

    deinit {
        for mod in mods.compactMap({ $0 }) {
            free(mod.pointee.mod_type)
            mod.deallocate()
        }
        for value in values {
            free(value.pointee.bv_val)
            value.deallocate()
        }
        for list in valueLists { list.deallocate() }
    }

    private static func operation(_ operation: LDAPModification.Operation) -> Int32 {
        switch operation {
        case .add: Int32(LDAP_MOD_ADD)
        case .delete: Int32(LDAP_MOD_DELETE)
        case .replace: Int32(LDAP_MOD_REPLACE)
        }
    }

    /// Sends the modify with `ldap_modify_ext(3)`, with a critical assertion
    /// control (RFC 4528 §3) when `assertion` is given.
    /// - Returns: The message id to wait for.
    /// - Throws: ``LDAPError`` when libldap cannot encode or send the request.
    func send(_ handle: LDAPHandle, dn: String, assertion: LDAPFilter?) throws -> Int32 {
        var control: UnsafeMutablePointer<LDAPControl>?
        if let assertion {
            let filter = strdup(assertion.rawValue)
            defer { free(filter) }
            try handle.check(ldap_create_assertion_control(handle.ld, filter, 1, &control), "assertion control")
        }
        defer { if let control { ldap_control_free(control) } }
        var controls: [UnsafeMutablePointer<LDAPControl>?] = [control, nil]
        var msgid: Int32 = 0
        let rc = mods.withUnsafeMutableBufferPointer { modsBuffer in
            controls.withUnsafeMutableBufferPointer { controlsBuffer in
                ldap_modify_ext(
                    handle.ld, dn, modsBuffer.baseAddress, control == nil ? nil : controlsBuffer.baseAddress, nil,
                    &msgid)
            }
        }
        try handle.check(rc, "modify \(dn)")
        return msgid
    }

    /// The BER value of an assertion control for `filter`, exactly as
    /// `ldap_create_assertion_control_value(3)` encodes it (RFC 4528 §3: an RFC 4511 Filter).
    static func assertionValue(_ handle: LDAPHandle, _ filter: LDAPFilter) throws -> [UInt8] {
        let text = strdup(filter.rawValue)
        defer { free(text) }
        var value = berval(bv_len: 0, bv_val: nil)
        try handle.check(ldap_create_assertion_control_value(handle.ld, text, &value), "assertion control")
        defer { if let bytes = value.bv_val { ber_memfree(bytes) } }
        guard let bytes = value.bv_val else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(value.bv_len)))
    }
}
