/// A rule that `certdir publish` checks before any write.
public enum PublishRule: String, Sendable, Hashable, CaseIterable {
    /// The certificate's rfc822Name (or, without any, its subject emailAddress; RFC 8550 §3)
    /// is the entry's `mail` or one of its `smtp:` `proxyAddresses`.
    case address
    /// The certificate is valid now (RFC 5280 §4.1.2.5).
    case validity
    /// The certificate chains to a trust anchor (RFC 5280 §6).
    case trust
    /// The certificate is fit for encryption, signing or both (RFC 8550 §4.4, RFC 8551 §2).
    case fitness
    /// The endpoint accepts writes: not an Active Directory Global Catalog.
    case readOnly = "read-only"

    /// Whether `--force` may override the rule: every rule but ``readOnly``.
    public var isOverridable: Bool { self != .readOnly }
}

/// One rule that refuses a publish, with what exactly is wrong.
public struct PublishRefusal: Sendable, Hashable, CustomStringConvertible {
    public let rule: PublishRule
    public let message: String

    public init(_ rule: PublishRule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "refused by the \(rule.rawValue) rule: \(message)" }
}

/// Why a publish did not happen. Nothing was written when this is thrown.
/// (A write that timed out is an ``LDAPError`` instead: it may have been applied.)
///
/// Compare by ``code`` (`==` ignores the message).
public struct PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure: a code struct around a private enum, so codes can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case refused, entryNotFound, ambiguousEntry, concurrentChange, insufficientAccess
            case rejectedValue, unreadableValue, unsupported
        }

        private let kind: Kind

        /// A rule refused the certificate or the endpoint; see ``PublishError/refusals``.
        public static let refused = Code(kind: .refused)
        /// No entry has the DN or address (also: the DN does not exist, noSuchObject).
        public static let entryNotFound = Code(kind: .entryNotFound)
        /// More than one entry has the address.
        public static let ambiguousEntry = Code(kind: .ambiguousEntry)
        /// The entry changed, or vanished, between the read and the write (RFC 4528
        /// assertionFailed, or noSuchObject on the modify); nothing was written.
        public static let concurrentChange = Code(kind: .concurrentChange)
        /// The bound identity may not write the attribute (insufficientAccessRights, 50).
        public static let insufficientAccess = Code(kind: .insufficientAccess)
        /// The server refused the value: constraintViolation (19), invalidAttributeSyntax (21),
        /// objectClassViolation (65), undefinedAttributeType (17).
        public static let rejectedValue = Code(kind: .rejectedValue)
        /// A `userSMIMECertificate` value cannot be read, so replacing it would lose it.
        public static let unreadableValue = Code(kind: .unreadableValue)
        /// The server cannot guard the write: no change stamp, or no assertion control.
        public static let unsupported = Code(kind: .unsupported)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let message: String
    /// The rules that refused, for ``Code/refused``; each is one line of the report.
    public let refusals: [PublishRefusal]
    /// The entry concerned, when one was found.
    public let dn: String?
    /// The directory's answer behind the error, if any.
    public let cause: LDAPError?

    init(
        _ code: Code, _ message: String, refusals: [PublishRefusal] = [], dn: String? = nil, cause: LDAPError? = nil
    ) {
        self.code = code
        self.message = message
        self.refusals = refusals
        self.dn = dn
        self.cause = cause
    }

    /// The report, one line each: the refusals, or the message.
    public var lines: [String] {
        refusals.isEmpty ? [message] : refusals.map(\.description) + [message]
    }

    public var description: String { lines.joined(separator: "; ") }

    public static func == (lhs: PublishError, rhs: PublishError) -> Bool { lhs.code == rhs.code }
}
