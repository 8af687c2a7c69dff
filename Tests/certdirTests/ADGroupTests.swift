import CertDirectoryTestSupport
import Foundation
import Testing

/// Mail groups on the Samba AD DC (scripts/samba-directory seeds a group of every bulk user).
extension ADCommandTests {
    @Test("a group of more than 1,500 members expands completely through member;range= windows of 500")
    func rangeRetrieval() throws {
        let group = try #require(ad.bulk.group, "the AD sample has no bulk group (BULK=0?)")
        #expect(ad.bulk.count > 1_500)
        let (outcome, results) = try resolve(
            directory(ad.ldapsURI, base: ad.base), [group], extra: ["--expand-groups", "--range-window", "500"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(results.first)
        #expect(object["status"] as? String == "group")
        let members = try #require(object["members"] as? [[String: Any]])
        #expect(members.count == ad.bulk.count)
        #expect(Set(members.compactMap { $0["address"] as? String }).count == ad.bulk.count)
        #expect(members.allSatisfy { $0["status"] as? String == "ok" })
    }
}
