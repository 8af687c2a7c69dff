/// An LDAP result code: RFC 4511 §4.1.9 codes (non-negative) and libldap's
/// client-side codes (negative, from `ldap.h`).
///
/// Compare with `==` or pattern-match with `~=` against an error:
/// `catch let error as LDAPError where error.code == .noSuchObject`.
public struct LDAPResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    // RFC 4511 §4.1.9
    public static let success = LDAPResultCode(rawValue: 0)
    public static let operationsError = LDAPResultCode(rawValue: 1)
    public static let protocolError = LDAPResultCode(rawValue: 2)
    public static let timeLimitExceeded = LDAPResultCode(rawValue: 3)
    public static let sizeLimitExceeded = LDAPResultCode(rawValue: 4)
    public static let authMethodNotSupported = LDAPResultCode(rawValue: 7)
    public static let strongerAuthRequired = LDAPResultCode(rawValue: 8)
    public static let referral = LDAPResultCode(rawValue: 10)
    public static let adminLimitExceeded = LDAPResultCode(rawValue: 11)
    public static let confidentialityRequired = LDAPResultCode(rawValue: 13)
    public static let noSuchAttribute = LDAPResultCode(rawValue: 16)
    public static let undefinedAttributeType = LDAPResultCode(rawValue: 17)
    public static let constraintViolation = LDAPResultCode(rawValue: 19)
    public static let invalidAttributeSyntax = LDAPResultCode(rawValue: 21)
    public static let noSuchObject = LDAPResultCode(rawValue: 32)
    public static let invalidDNSyntax = LDAPResultCode(rawValue: 34)
    public static let inappropriateAuthentication = LDAPResultCode(rawValue: 48)
    public static let invalidCredentials = LDAPResultCode(rawValue: 49)
    public static let insufficientAccessRights = LDAPResultCode(rawValue: 50)
    public static let busy = LDAPResultCode(rawValue: 51)
    public static let unavailable = LDAPResultCode(rawValue: 52)
    public static let unwillingToPerform = LDAPResultCode(rawValue: 53)
    public static let other = LDAPResultCode(rawValue: 80)

    /// RFC 4511 §4.1.9: a critical control the server does not support.
    public static let unavailableCriticalExtension = LDAPResultCode(rawValue: 12)
    /// RFC 4511 §4.1.9: the attribute has no rule to match the value with.
    public static let inappropriateMatching = LDAPResultCode(rawValue: 18)
    /// RFC 4511 §4.1.9: a value being added is there already.
    public static let attributeOrValueExists = LDAPResultCode(rawValue: 20)
    /// RFC 4511 §4.1.9: the change would break the entry's object class rules.
    public static let objectClassViolation = LDAPResultCode(rawValue: 65)
    /// RFC 4528 §3: the assertion of an assertion control is false; nothing was changed.
    public static let assertionFailed = LDAPResultCode(rawValue: 122)

    // libldap client-side codes (ldap.h)
    public static let serverDown = LDAPResultCode(rawValue: -1)
    public static let localError = LDAPResultCode(rawValue: -2)
    public static let encodingError = LDAPResultCode(rawValue: -3)
    public static let decodingError = LDAPResultCode(rawValue: -4)
    public static let timeout = LDAPResultCode(rawValue: -5)
    public static let filterError = LDAPResultCode(rawValue: -7)
    public static let paramError = LDAPResultCode(rawValue: -9)
    public static let noMemory = LDAPResultCode(rawValue: -10)
    public static let connectError = LDAPResultCode(rawValue: -11)

    /// True for the codes that mean the server could not be reached or did
    /// not answer in time: the cases where trying the next URI makes sense.
    public var isUnreachable: Bool {
        [.serverDown, .timeout, .connectError, .unavailable, .busy].contains(self)
    }

    /// True for the codes that mean the server refused who we are or what we
    /// may see (RFC 4511 §4.1.9; AD answers an anonymous search with operationsError).
    public var isAccessDenied: Bool {
        [
            .invalidCredentials, .insufficientAccessRights, .strongerAuthRequired, .inappropriateAuthentication,
            .confidentialityRequired, .authMethodNotSupported,
        ].contains(self)
    }

    public var description: String {
        switch self {
        case .success: "success (0)"
        case .operationsError: "operationsError (1)"
        case .sizeLimitExceeded: "sizeLimitExceeded (4)"
        case .timeLimitExceeded: "timeLimitExceeded (3)"
        case .strongerAuthRequired: "strongerAuthRequired (8)"
        case .referral: "referral (10)"
        case .adminLimitExceeded: "adminLimitExceeded (11)"
        case .confidentialityRequired: "confidentialityRequired (13)"
        case .noSuchObject: "noSuchObject (32)"
        case .invalidDNSyntax: "invalidDNSyntax (34)"
        case .inappropriateAuthentication: "inappropriateAuthentication (48)"
        case .invalidCredentials: "invalidCredentials (49)"
        case .insufficientAccessRights: "insufficientAccessRights (50)"
        case .unavailable: "unavailable (52)"
        case .unwillingToPerform: "unwillingToPerform (53)"
        case .serverDown: "server down (-1)"
        case .timeout: "timed out (-5)"
        case .filterError: "bad search filter (-7)"
        case .connectError: "connect error (-11)"
        default: "result code \(rawValue)"
        }
    }

    public static func ~= (code: LDAPResultCode, error: any Error) -> Bool {
        (error as? LDAPError)?.code == code
    }
}
