import CertDirectory
import CertDirectoryTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import CertDirectoryServer

/// The answers of the store (RFC 4387 §2.2): one certificate as
/// `application/pkix-cert`, several as `multipart/mixed`, `If-None-Match` → 304,
/// and one-line text refusals; run through Hummingbird's router in the test process.
@Suite("HTTP answers")
struct HTTPAnswersTests {
    let first: ParsedCertificate
    let second: ParsedCertificate

    init() throws {
        let pki = try TestPKI()
        first = try ParsedCertificate(der: try pki.leaf(san: ["alice@example.com"]))
        second = try ParsedCertificate(der: try pki.leaf(san: ["alice@example.com"]))
    }

    func app(_ certificates: [ParsedCertificate]) -> some ApplicationProtocol {
        let router = Router(context: ServeContext.self)
        router.get("certificates") { request, _ in
            HTTPAnswers.certificates(certificates, etag: "\"abc123\"", maxAge: 300, request: request)
        }
        router.get("refusal") { _, _ in
            HTTPAnswers.text(.notFound, "no directory entry has this address\nsecond line")
        }
        return Application(router: router)
    }

    @Test("one certificate: its DER as application/pkix-cert, with ETag and max-age")
    func single() async throws {
        let der = first.der
        try await app([first]).test(.router) { client in
            try await client.execute(uri: "/certificates", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pkix-cert")
                #expect(response.headers[.eTag] == "\"abc123\"")
                #expect(response.headers[.cacheControl] == "max-age=300")
                #expect(Array(buffer: response.body) == der)
            }
        }
    }

    @Test("several: multipart/mixed, one application/pkix-cert part each, in order")
    func multipart() async throws {
        let ders = [first.der, second.der]
        try await app([first, second]).test(.router) { client in
            try await client.execute(uri: "/certificates", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "multipart/mixed; boundary=\"certdir-abc123\"")
                var expected: [UInt8] = []
                for der in ders {
                    expected += Array("--certdir-abc123\r\nContent-Type: application/pkix-cert\r\n\r\n".utf8)
                    expected += der + Array("\r\n".utf8)
                }
                expected += Array("--certdir-abc123--\r\n".utf8)
                #expect(Array(buffer: response.body) == expected)
            }
        }
    }

    @Test("If-None-Match with the tag (also weak, in a list, or *) is 304 without a body; another tag is 200")
    func notModified() async throws {
        try await app([first]).test(.router) { client in
            for header in ["\"abc123\"", "W/\"abc123\"", "\"x\", \"abc123\"", "*"] {
                try await client.execute(uri: "/certificates", method: .get, headers: [.ifNoneMatch: header]) {
                    response in
                    #expect(response.status == .notModified)
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.eTag] == "\"abc123\"")
                }
            }
            try await client.execute(uri: "/certificates", method: .get, headers: [.ifNoneMatch: "\"other\""]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("a refusal is one line of text, not cached")
    func refusal() async throws {
        try await app([]).test(.router) { client in
            try await client.execute(uri: "/refusal", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(String(buffer: response.body) == "no directory entry has this address second line\n")
            }
        }
    }

    @Test("HEAD through the middleware: the GET's fields and length, no body")
    func head() async throws {
        let length = first.der.count
        let router = Router(context: ServeContext.self)
        router.add(
            middleware: StoreMiddleware(
                limiter: RateLimiter(rate: 0, burst: 1), maxTargetLength: 1024, accessLog: false))
        let certificate = first
        router.on("certificates", method: .head) { request, _ in
            HTTPAnswers.certificates([certificate], etag: "\"abc123\"", maxAge: 300, request: request)
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/certificates", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "\(length)")
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test("reasons for no answer name the status, not the address")
    func reasons() {
        let reasons = [ResolutionStatus.notFound, .noUsableCertificate, .ambiguous, .error].map {
            StoreHandler.reason(Resolution(address: "alice@example.com", status: $0))
        }
        #expect(
            reasons == [
                "no directory entry has this address", "no certificate for this address is fit for encryption",
                "several directory entries have this address (ambiguous)", "the directory could not answer",
            ])
    }
}
