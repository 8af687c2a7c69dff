import Testing

@testable import CertDirectoryServer

/// RFC 4387 queries as `/search.cgi` reads them: the query string decoded
/// (`StoreHandler.parameters`), then one search attribute checked (`SearchQuery.parse`).
@Suite("Query parsing")
struct SearchQueryTests {
    func parse(_ query: String) throws -> SearchQuery {
        try SearchQuery.parse(try StoreHandler.parameters(query))
    }

    func reason(_ query: String) -> String? {
        do {
            _ = try parse(query)
            return nil
        } catch let error as QueryError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    /// The 20 bytes 0x00…0x13 as RFC 4387 §2.1 writes them: base64 without its `=` pad.
    static let digest = (0..<20).map { UInt8($0) }
    static let encoded = "AAECAwQFBgcICQoLDA0ODxAREhM"

    @Test("email and uri give the address; percent escapes decode and '+' stays a plus")
    func email() throws {
        #expect(try parse("email=alice@example.com") == .email("alice@example.com", everyCertificate: false))
        #expect(try parse("uri=alice@example.com") == .email("alice@example.com", everyCertificate: false))
        #expect(
            try parse("email=alice%2Btag%40example.com") == .email("alice+tag@example.com", everyCertificate: false))
        #expect(try parse("email=alice+tag@example.com") == .email("alice+tag@example.com", everyCertificate: false))
        #expect(try parse("email=bob@example.com&purpose=any") == .email("bob@example.com", everyCertificate: true))
        #expect(
            try parse("purpose=encrypt&email=bob@example.com") == .email("bob@example.com", everyCertificate: false))
    }

    @Test("hashes: 27 base64 characters of 20 bytes, a trailing '=' and a form-encoded space tolerated")
    func hashes() throws {
        for attribute in SearchQuery.HashAttribute.allCases {
            #expect(
                try parse("\(attribute.rawValue)=\(Self.encoded)")
                    == .hash(attribute, Self.digest, everyCertificate: false))
        }
        #expect(try parse("certHash=\(Self.encoded)%3D") == .hash(.certHash, Self.digest, everyCertificate: false))
        // 0xfb 0xff … has '+' and '/' in its base64; a form turns '+' into a space.
        let plus = SearchQuery.decodeHash("+/8AAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(plus?.prefix(2) == [0xfb, 0xff])
        #expect(SearchQuery.decodeHash(" /8AAAAAAAAAAAAAAAAAAAAAAAA") == plus)
        #expect(SearchQuery.decodeHash(String(Self.encoded.dropLast())) == nil)
        #expect(SearchQuery.decodeHash(Self.encoded + "A") == nil)
        #expect(SearchQuery.decodeHash("AAECAwQFBgcICQoLDA0ODxAREh!") == nil)
    }

    @Test("name: the CommonName, a form's '+' read as a space")
    func name() throws {
        #expect(try parse("name=Alice+Example") == .name("Alice Example", everyCertificate: false))
        #expect(try parse("name=Alice%20Example&purpose=any") == .name("Alice Example", everyCertificate: true))
    }

    @Test("refusals name what is wrong, in one line")
    func refusals() {
        #expect(reason("") == "give one search attribute (RFC 4387 §2.2)")
        #expect(reason("purpose=any") == "give one search attribute (RFC 4387 §2.2)")
        #expect(reason("email=a@example.com&name=Alice") == "give only one search attribute")
        #expect(reason("email=") == "email is empty")
        #expect(reason("email=not-an-address") == "email is not a mail address (RFC 5322 addr-spec)")
        #expect(reason("email=a@example.com&purpose=sign") == "purpose must be encrypt or any")
        #expect(reason("sHash=abc") == "sHash must be the base64 of a 20-byte SHA-1 hash (RFC 4387 §2.1)")
        #expect(reason("email=a%zz@example.com") == "bad percent-encoding in the query")
        #expect(reason("email") == "parameter \"email\" has no value")
        #expect(reason("color=blue") == "unknown attribute \"color\"")
        // A control character in an unknown name is not echoed raw into the answer.
        #expect(reason("c%0Aolor=blue") == "unknown attribute \"c?olor\"")
    }
}
