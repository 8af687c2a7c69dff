internal import COpenSSL
import Foundation

/// What a peer check asks beyond the path: the settings of a test suite's
/// testcase (x509-limbo), which certdir's own commands never use.
struct PeerExpectation: Sendable {
    enum Name: Sendable {
        /// A DNS name, matched by OpenSSL's host check (RFC 6125: SAN dNSName, wildcards in the left label).
        case dns(String)
        /// An IP address in text form, matched against SAN iPAddress.
        case ip(String)
    }

    enum Role: Sendable {
        /// OpenSSL's `sslserver` purpose: EKU serverAuth on the leaf and compatible CAs.
        case server
        /// OpenSSL's `sslclient` purpose: EKU clientAuth.
        case client
    }

    var name: Name?
    var role: Role?
    /// Intermediates allowed between leaf and anchor (`X509_VERIFY_PARAM_set_depth`); `nil` for OpenSSL's 100.
    var maxDepth: Int?
    /// `X509_V_FLAG_X509_STRICT`: OpenSSL's RFC 5280 profile checks (critical
    /// basicConstraints in CAs, key identifiers, keyCertSign only in CAs, no
    /// empty subject without a critical SAN, …), which certdir's own checks do not set.
    var strict = false
}

extension TrustStore {
    /// The path check of ``verify(leaf:intermediates:crls:at:)`` (with `crls`,
    /// the same flags), with the leaf's validity judged by OpenSSL too and the
    /// peer's name, role and depth limit set on the verification parameters.
    /// As there, when OpenSSL's single path fails, the other candidate paths
    /// are tried one by one (RFC 4158), since `X509_verify_cert` does not backtrack.
    func verifyPeer(
        leaf: X509Ref, intermediates: [X509Ref], crls: [CRLRef], at time: Date, expecting peer: PeerExpectation
    ) -> ChainVerdict {
        let first = verifyPeerOnce(leaf: leaf, intermediates: intermediates, crls: crls, at: time, expecting: peer)
        guard case .untrusted = first else { return first }
        for path in CandidatePaths.enumerate(from: leaf, through: intermediates, limit: 32) {
            let pathSet = Set(path.map { ObjectIdentifier($0) })
            let names = Set(path.map { X509Ref.rfc4514(X509_get_subject_name($0.pointer)) })
            // Same-name certificates off this path are left out, so that OpenSSL cannot pick them.
            let others = intermediates.filter {
                !pathSet.contains(ObjectIdentifier($0))
                    && !names.contains(X509Ref.rfc4514(X509_get_subject_name($0.pointer)))
            }
            let verdict = verifyPeerOnce(
                leaf: leaf, intermediates: path + others, crls: crls, at: time, expecting: peer)
            if case .trusted = verdict { return verdict }
        }
        return first
    }

    private func verifyPeerOnce(
        leaf: X509Ref, intermediates: [X509Ref], crls: [CRLRef], at time: Date, expecting peer: PeerExpectation
    ) -> ChainVerdict {
        do {
            return try withVerifyContext(leaf: leaf, untrusted: intermediates, crls: crls, at: time) {
                context, parameters in
                var flags = X509_V_FLAG_PARTIAL_CHAIN | (peer.strict ? X509_V_FLAG_X509_STRICT : 0)
                if !crls.isEmpty {
                    flags |=
                        X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_USE_DELTAS
                        | X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_POLICY_CHECK
                    if let anyPolicy = OBJ_txt2obj("2.5.29.32.0", 1) {
                        X509_VERIFY_PARAM_add0_policy(parameters, anyPolicy)
                    }
                }
                X509_VERIFY_PARAM_set_flags(parameters, UInt(flags))
                if let depth = peer.maxDepth { X509_VERIFY_PARAM_set_depth(parameters, Int32(depth)) }
                switch peer.role {
                case .server: X509_VERIFY_PARAM_set_purpose(parameters, X509_PURPOSE_SSL_SERVER)
                case .client: X509_VERIFY_PARAM_set_purpose(parameters, X509_PURPOSE_SSL_CLIENT)
                case nil: break
                }
                switch peer.name {
                case .dns(let host):
                    guard X509_VERIFY_PARAM_set1_host(parameters, host, host.utf8.count) == 1 else {
                        return .untrusted(reason: "the peer name \(host) is not a host name", depth: 0)
                    }
                case .ip(let address):
                    guard X509_VERIFY_PARAM_set1_ip_asc(parameters, address) == 1 else {
                        return .untrusted(reason: "the peer name \(address) is not an IP address", depth: 0)
                    }
                case nil: break
                }
                if X509_verify_cert(context) == 1 {
                    return .trusted(length: Int(copenssl_sk_X509_num(X509_STORE_CTX_get0_chain(context))))
                }
                let failure = Self.failure(of: context)
                return .untrusted(reason: failure.reason, depth: failure.depth)
            }
        } catch {
            return .untrusted(reason: error.reason, depth: 0)
        }
    }
}
