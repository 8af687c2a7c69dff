import Foundation
import Testing

@testable import CertDirectory

@Suite("RFC 4515 filter escaping")
struct LDAPFilterTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let comment: String
        let attribute: String
        let value: String
        let filter: String
        var testDescription: String { comment }
    }

    static let vectors: [Vector] = {
        guard let url = Bundle.module.url(forResource: "Vectors/filter-escaping", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        return (try? JSONDecoder().decode([Vector].self, from: data)) ?? []
    }()

    @Test("vector file is present") func vectorsLoaded() {
        #expect(Self.vectors.count >= 10)
    }

    @Test("equality filters escape every special byte", arguments: vectors)
    func vector(_ vector: Vector) {
        #expect(LDAPFilter.equal(vector.attribute, vector.value).rawValue == vector.filter)
    }

    @Test("recipient filter matches mail or an smtp: proxy address, never a substring")
    func recipientFilter() {
        #expect(
            RecipientSearch.filter(for: "a*b@example.com").rawValue
                == "(|(mail=a\\2ab@example.com)(proxyAddresses=smtp:a\\2ab@example.com))")
    }

    @Test("and/or/not compose; a single operand stays unwrapped")
    func composition() {
        let a = LDAPFilter.equal("mail", "a@x")
        let b = LDAPFilter.present("userCertificate;binary")
        #expect(LDAPFilter.and([a, b]).rawValue == "(&(mail=a@x)(userCertificate;binary=*))")
        #expect(LDAPFilter.or([a]).rawValue == "(mail=a@x)")
        #expect(LDAPFilter.not(a).rawValue == "(!(mail=a@x))")
        #expect(LDAPFilter(rawValue: "objectClass=*").rawValue == "(objectClass=*)")
    }
}
