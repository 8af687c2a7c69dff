import CertDirectoryTestSupport
import Foundation
import Testing

/// `serve` and `resolve` are one road: for every address of the sample
/// directory (fit, expired, untrusted, missing-intermediate, ambiguous,
/// aliases, not found), `/v1/resolve` and `/search.cgi` give the status and the
/// chosen certificate that `resolve --format json` gives under the same options.
@Suite(
    "serve and resolve agree on every sample address", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ServeResolveAgreementTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    /// Every address the sample knows: the people's queries and the addresses their certificates name.
    var addresses: [String] {
        var seen = Set<String>()
        return (sample.people.map(\.query) + sample.certificates.map(\.address) + ["nobody@example.com"]).filter {
            !$0.isEmpty && seen.insert($0.lowercased()).inserted
        }
    }

    func chosen(_ object: [String: Any]?) -> String? {
        (object?["certificate"] as? [String: Any])?["sha256"] as? String
    }

    @Test(
        "same status and certificate, with and without local intermediates (path discovery)",
        arguments: [true, false])
    func agree(localIntermediates: Bool) throws {
        var options = [
            "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor", sample.path(sample.trustAnchor),
        ]
        if localIntermediates { options += ["--intermediates", sample.path(sample.intermediate)] }
        let outcome = try CertDirProcess.run(["resolve", "--format", "json"] + options + addresses)
        var expected: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            expected[try #require(object["address"] as? String)] = object
        }
        #expect(expected.count == addresses.count, "\(outcome.stderr)")
        let server = try ServeProcess(arguments: options)
        defer { server.remove() }
        var statuses = Set<String>()
        for address in addresses {
            let want = expected[address]
            let status = try #require(want?["status"] as? String, "\(address)")
            statuses.insert(status)
            let json = try HTTP.get(server.url + "/v1/resolve?email=" + HTTP.escape(address))
            let object = try JSONSerialization.jsonObject(with: json.body) as? [String: Any]
            #expect(object?["status"] as? String == status, "\(address): \(json.text)")
            #expect(chosen(object) == chosen(want), "\(address)")
            let plain = try HTTP.get(server.url + "/search.cgi?email=" + HTTP.escape(address))
            if let sha = chosen(want) {
                #expect(plain.status == 200, "\(address): \(plain.status)")
                #expect(sha256Hex(Array(plain.body)) == sha, "\(address)")
            } else {
                #expect(plain.status != 200, "\(address): \(plain.status)")
            }
        }
        // The sample covers the outcomes that matter.
        #expect(statuses.isSuperset(of: ["ok", "no-usable-certificate", "ambiguous", "not-found"]), "\(statuses)")
    }
}
