import CertDirectoryTestSupport
import Foundation
import Testing

/// Range retrieval of `member` as Active Directory does it, from a protocol-level fake
/// (`Fixtures/fake-ad-group-server.py`): AD answers a plain `member` request for a large group with
/// `member;range=0-1499`, which the Samba DC never does (it returns every value unless asked for a range).
@Suite("AD range retrieval against a fake that answers like AD")
struct GroupRangeTests {
    @Test("a list of 5,000 yields 5,000 members, whatever the window", arguments: ["500", "1500"])
    func fiveThousand(window: String) throws {
        let server = try FakeServer(mode: "5000", script: "fake-ad-group-server.py")
        defer { server.stop() }
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", server.uri, "--base", "DC=fake,DC=test", "--no-address-book", "--expand-groups",
            "--range-window", window, "--format", "json", "biglist@fake.test",
        ])
        let line = try #require(outcome.stdout.split(separator: "\n").first, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "group")
        let members = try #require(object["members"] as? [[String: Any]])
        let addresses = members.compactMap { $0["address"] as? String }
        #expect(addresses.count == 5_000)
        #expect(Set(addresses).count == 5_000)
        #expect(addresses.first == "user0@fake.test" && addresses.last == "user4999@fake.test")
        // The fake's users have no certificate entries: the members fail, and so does the whole answer.
        #expect(outcome.status == 67)
    }

    @Test("more members than --group-size fails closed, naming the group")
    func sizeLimit() throws {
        let server = try FakeServer(mode: "2000", script: "fake-ad-group-server.py")
        defer { server.stop() }
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", server.uri, "--base", "DC=fake,DC=test", "--no-address-book", "--expand-groups",
            "--group-size", "1000", "--format", "json", "biglist@fake.test",
        ])
        #expect(outcome.status == 67)
        #expect(outcome.stderr.contains("more than 1000 members"))
        #expect(outcome.stderr.contains("CN=Big List,DC=fake,DC=test"))
    }
}
