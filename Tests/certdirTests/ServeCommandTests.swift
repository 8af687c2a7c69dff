import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir serve` against the real test directory, with curl as the client
/// and Python's `email` package and `cryptography` as independent checkers.
@Suite(
    "certdir serve: RFC 4387 over HTTP", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ServeCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    func checks(uri: String? = nil) -> [String] {
        [
            "--uri", uri ?? directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
        ]
    }

    func withServer<T>(
        _ arguments: [String] = [], uri: String? = nil, _ body: (ServeProcess) throws -> T
    ) throws -> T {
        let server = try ServeProcess(arguments: checks(uri: uri) + arguments)
        defer { server.remove() }
        return try body(server)
    }

    /// What `certdir resolve --format json` says for each address: its JSON object.
    func resolved(_ addresses: [String]) throws -> [String: [String: Any]] {
        let outcome = try CertDirProcess.run(["resolve", "--format", "json"] + checks() + addresses)
        var objects: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            objects[try #require(object["address"] as? String)] = object
        }
        return objects
    }

    @Test("every sample person by email gets the certificate resolve chooses, or 404")
    func everyPersonAsResolve() throws {
        let queries = sample.people.map(\.query)
        let expected = try resolved(queries)
        try withServer { server in
            for query in queries {
                let answer = try HTTP.get(server.url + "/search.cgi?email=" + HTTP.escape(query))
                let chosen = (expected[query]?["certificate"] as? [String: Any])?["sha256"] as? String
                if let chosen {
                    #expect(answer.status == 200, "\(query): \(answer.text)")
                    #expect(answer.headers["content-type"] == "application/pkix-cert")
                    #expect(sha256Hex(Array(answer.body)) == chosen, "\(query)")
                    #expect(answer.headers["cache-control"] == "max-age=300")
                    #expect(answer.headers["etag"] != nil)
                } else {
                    #expect(answer.status == 404, "\(query): \(answer.status) \(answer.text)")
                    #expect(answer.text.split(separator: "\n").count == 1)
                }
            }
            // The second round comes from the address book and its in-memory front: the same answers.
            for query in queries.prefix(5) {
                let answer = try HTTP.get(server.url + "/search.cgi?email=" + HTTP.escape(query))
                let chosen = (expected[query]?["certificate"] as? [String: Any])?["sha256"] as? String
                #expect(answer.status == (chosen == nil ? 404 : 200))
            }
            #expect(!server.log.contains("alice@example.com"), "a query value reached the log at the default level")
            #expect(server.log.contains("GET /search.cgi 200"), "no access log line")
        }
    }

    @Test("JSON: Accept: application/json and /v1/resolve give resolve's JSON object")
    func json() throws {
        let expected = try resolved(["dual@example.com", "nobody@example.com"])
        try withServer { server in
            for (path, headers) in [
                ("/search.cgi?email=dual@example.com", ["Accept: application/json"]),
                ("/v1/resolve?email=dual@example.com", []),
            ] {
                let answer = try HTTP.get(server.url + path, headers: headers)
                #expect(answer.status == 200)
                #expect(answer.headers["content-type"] == "application/json")
                let object = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
                let want = try #require(expected["dual@example.com"])
                #expect(object["status"] as? String == want["status"] as? String)
                #expect(
                    (object["certificate"] as? [String: Any])?["sha256"] as? String
                        == (want["certificate"] as? [String: Any])?["sha256"] as? String)
                #expect(Set(object.keys) == Set(want.keys))
                #expect((object["candidates"] as? [Any])?.count == (want["candidates"] as? [Any])?.count)
            }
            let missing = try HTTP.get(server.url + "/v1/resolve?email=nobody@example.com")
            #expect(missing.status == 404)
            let object = try JSONSerialization.jsonObject(with: missing.body) as? [String: Any]
            #expect(object?["status"] as? String == "not-found")
            #expect(expected["nobody@example.com"]?["status"] as? String == "not-found")
        }
    }

    @Test("purpose=any: multipart/mixed with one application/pkix-cert part per certificate (RFC 4387 §2.2)")
    func multipart() throws {
        let expected = try resolved(["dual@example.com"])
        let candidates = try #require(expected["dual@example.com"]?["candidates"] as? [[String: Any]])
        let want = Set(candidates.compactMap { $0["sha256"] as? String })
        #expect(want.count >= 2)
        try withServer { server in
            let answer = try HTTP.get(server.url + "/search.cgi?email=dual@example.com&purpose=any")
            #expect(answer.status == 200)
            let type = try #require(answer.headers["content-type"])
            #expect(type.hasPrefix("multipart/mixed; boundary="))
            let parts = try HTTP.parseMultipart(answer.body, contentType: type)
            #expect(parts.allSatisfy { $0.type == "application/pkix-cert" })
            #expect(Set(parts.map(\.sha256)) == want)
            #expect(parts.count == want.count)
        }
    }

    /// Alice's certificate as serve answers `email=`, its RFC 4387 search keys (Python's
    /// cryptography), once the index, built from a full export at start-up, is there.
    func aliceSearchKeys(_ server: ServeProcess) throws -> [String: String] {
        let pem = try HTTP.get(server.url + "/search.cgi?email=alice@example.com")
        #expect(pem.status == 200)
        let file = server.folder.appendingPathComponent("alice.der")
        try pem.body.write(to: file)
        let keys = try HTTP.searchKeys(der: file.path)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let health = try HTTP.get(server.url + "/healthz")
            let object = try JSONSerialization.jsonObject(with: health.body) as? [String: Any]
            if let count = object?["index"] as? Int, count > 100 { break }
            usleep(200_000)
        }
        return keys
    }

    @Test("certHash and iAndSHash find the certificate; sHash, sKIDHash and name too")
    func hashes() throws {
        let chosen = try #require(
            (try resolved(["alice@example.com"])["alice@example.com"]?["certificate"] as? [String: Any])?["sha256"]
                as? String)
        try withServer { server in
            let keys = try aliceSearchKeys(server)
            for (attribute, key) in keys {
                let answer = try HTTP.get(server.url + "/search.cgi?\(attribute)=" + HTTP.escape(key))
                #expect(answer.status == 200, "\(attribute): \(answer.text)")
                if attribute == "certHash" || attribute == "iAndSHash" {
                    #expect(answer.headers["content-type"] == "application/pkix-cert")
                    #expect(sha256Hex(Array(answer.body)) == chosen)
                }
            }
            // name= is form-encoded: '+' is a space there (and only there).
            let name = try #require(keys["name"])
            if name.contains(" ") {
                let plus = name.replacingOccurrences(of: " ", with: "+")
                let answer = try HTTP.get(
                    server.url + "/search.cgi?name=" + HTTP.escape(name).replacingOccurrences(of: "%20", with: "+"))
                #expect(answer.status == 200, "name=\(plus): \(answer.status)")
            }
            // With the `=` pad as Python's base64 writes it, too.
            let padded = try HTTP.get(
                server.url + "/search.cgi?certHash=" + HTTP.escape(try #require(keys["certHash"]) + "="))
            #expect(padded.status == 200)
            let none = try HTTP.get(server.url + "/search.cgi?certHash=" + String(repeating: "A", count: 27))
            #expect(none.status == 404)
        }
    }

    /// RFC 4387 §2.2: iHash is the SHA-1 of the DER-encoded issuer DN as it
    /// appears in the certificate, so it finds every certificate one CA
    /// issued (a CA's own certificate has its DN as the subject: sHash). The
    /// expected keys are computed here by Python's cryptography, not by serve.
    @Test("iHash finds every certificate whose issuer Name hashes to it, and only those")
    func issuerHash() throws {
        let chosen = try #require(
            (try resolved(["alice@example.com"])["alice@example.com"]?["certificate"] as? [String: Any])?["sha256"]
                as? String)
        try withServer { server in
            let keys = try aliceSearchKeys(server)
            let issuer = try #require(keys["iHash"])
            #expect(issuer != keys["sHash"])
            let answer = try HTTP.get(server.url + "/search.cgi?purpose=any&iHash=" + HTTP.escape(issuer))
            #expect(answer.status == 200, "\(answer.text)")
            let type = try #require(answer.headers["content-type"])
            let parts = try HTTP.parseMultipart(answer.body, contentType: type)
            #expect(parts.count > 1, "one CA issues many of the sample's certificates")
            #expect(parts.contains { $0.sha256 == chosen })
            let issuers = try HTTP.issuerHashes(answer.body, contentType: type)
            #expect(issuers.count == parts.count)
            #expect(issuers.allSatisfy { $0 == issuer })
            // Alice's own DN issued nothing: her sHash as an iHash finds no certificate.
            let none = try HTTP.get(server.url + "/search.cgi?iHash=" + HTTP.escape(try #require(keys["sHash"])))
            #expect(none.status == 404, "\(none.text)")
        }
    }

    @Test("400 for malformed queries, with a one-line reason; 404 for nothing; 414 for a long query")
    func malformed() throws {
        try withServer { server in
            for query in [
                "", "email=", "email=not-an-address", "certHash=abc", "certHash=" + String(repeating: "*", count: 27),
                "email=a@example.com&certHash=" + String(repeating: "A", count: 27), "colour=blue", "purpose=sign",
                "email=%zz", "email",
            ] {
                let answer = try HTTP.get(server.url + "/search.cgi?" + query)
                #expect(answer.status == 400, "\(query): \(answer.status)")
                #expect(answer.text.hasSuffix("\n") && answer.text.split(separator: "\n").count == 1, "\(query)")
            }
            let missing = try HTTP.get(server.url + "/search.cgi?email=nobody@example.com")
            #expect(missing.status == 404)
            let long = try HTTP.get(server.url + "/search.cgi?email=" + String(repeating: "a", count: 2000) + "@x.org")
            #expect(long.status == 414)
            let unknown = try HTTP.get(server.url + "/nothing-here")
            #expect(unknown.status == 404)
            // The server is still there.
            #expect(try HTTP.get(server.url + "/search.cgi?email=alice@example.com").status == 200)
        }
    }

    @Test("ETag: If-None-Match gives 304 on revalidation")
    func etag() throws {
        try withServer { server in
            let first = try HTTP.get(server.url + "/search.cgi?email=alice@example.com")
            let etag = try #require(first.headers["etag"])
            let again = try HTTP.get(
                server.url + "/search.cgi?email=alice@example.com", headers: ["If-None-Match: \(etag)"])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.headers["etag"] == etag)
            let other = try HTTP.get(
                server.url + "/search.cgi?email=alice@example.com", headers: ["If-None-Match: \"something-else\""])
            #expect(other.status == 200)
            let all = try HTTP.get(server.url + "/search.cgi?email=dual@example.com&purpose=any")
            let allTag = try #require(all.headers["etag"])
            let allAgain = try HTTP.get(
                server.url + "/search.cgi?email=dual@example.com&purpose=any", headers: ["If-None-Match: \(allTag)"])
            #expect(allAgain.status == 304)
        }
    }

    @Test("coalescing: 40 concurrent requests for one address cost one directory search")
    func coalescing() throws {
        try withServer { server in
            let url = server.url + "/search.cgi?email=ec@example.com"
            let codes = try HTTP.parallel(Array(repeating: url, count: 40))
            #expect(codes == Array(repeating: 200, count: 40))
            let health = try HTTP.get(server.url + "/healthz")
            let object = try #require(try JSONSerialization.jsonObject(with: health.body) as? [String: Any])
            // Counts are JSON numbers, and the URI's slashes are not escaped.
            #expect(object["searches"] as? Int == 1, "\(object)")
            #expect(!health.text.contains("\\/"), "\(health.text)")
            #expect(health.status == 200)
            #expect(object["directory"] as? String == "up")
            // Every sample person at once, twice over, on a pool of two connections: all answered.
            let many = sample.people.map { server.url + "/search.cgi?email=" + HTTP.escape($0.query) }
            let answers = try HTTP.parallel(many + many)
            #expect(answers.count == 2 * many.count)
            #expect(answers.allSatisfy { $0 == 200 || $0 == 404 })
        }
    }

    @Test("per-client rate limit: 429 with Retry-After")
    func rateLimit() throws {
        // One request per 100 s (a burst of one): the refill cannot come between the
        // requests however slow a loaded machine is (at 1/s, a 4th request 1.2 s later passed).
        try withServer(["--rate-limit", "0.01"]) { server in
            let codes = try (0..<3).map { _ in try HTTP.get(server.url + "/search.cgi?email=alice@example.com") }
            #expect(codes.first?.status == 200)
            #expect(codes.dropFirst().allSatisfy { $0.status == 429 })
            let limited = try #require(codes.last)
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] != nil)
        }
    }

    @Test("directory down: 503 with Retry-After, stale answers with a Warning, /healthz 503; SIGTERM exits 0")
    func directoryDown() throws {
        let scratch = try ScratchDirectory(ldifs: [sample.path("people.ldif")])
        defer { scratch.stop() }
        let server = try ServeProcess(
            arguments: checks(uri: scratch.info.ldapURI) + [
                "--ttl", "0", "--negative-ttl", "0", "--index-refresh", "0",
            ])
        defer { server.remove() }
        let fresh = try HTTP.get(server.url + "/search.cgi?email=alice@example.com")
        #expect(fresh.status == 200)
        #expect(fresh.headers["warning"] == nil)
        scratch.stop()
        let stale = try HTTP.get(server.url + "/search.cgi?email=alice@example.com")
        #expect(stale.status == 200, "\(stale.text)")
        #expect(stale.headers["warning"]?.hasPrefix("110 ") == true)
        let unknown = try HTTP.get(server.url + "/search.cgi?email=ec@example.com")
        #expect(unknown.status == 503, "\(unknown.text)")
        #expect(unknown.headers["retry-after"].flatMap(Int.init) != nil)
        let health = try HTTP.get(server.url + "/healthz")
        #expect(health.status == 503)
        #expect(server.stop() == 0, "\(server.log)")
    }

    @Test("--tls-cert and --tls-key: HTTPS")
    func tls() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("server.pem").path
        let key = folder.appendingPathComponent("server.key").path
        let made = try runTool(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
            ])
        #expect(made.status == 0, "\(made.stderr)")
        try withServer(["--tls-cert", cert, "--tls-key", key, "--index-refresh", "0"]) { server in
            let url = "https://127.0.0.1:\(server.port)/search.cgi?email=alice@example.com"
            let answer = try HTTP.get(url, curl: ["--cacert", cert])
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/pkix-cert")
        }
    }
}
