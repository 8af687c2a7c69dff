import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir resolve`, `export` and `publish` against a real Active Directory: the Samba 4 AD DC of
/// `scripts/samba-directory` (realm CORP.EXAMPLE.TEST), in its own network namespace, so every
/// run goes through `ip netns exec` (``ADDirectory/certdir(_:environment:stdin:)``).
///
/// Each test pins one place where AD behaves unlike OpenLDAP: plain attribute names (no
/// `;binary`), base `""` only on the Global Catalog, referrals at the domain root, no anonymous
/// searches, no simple bind without TLS, case-insensitive `proxyAddresses`, paged results.
@Suite(
    "certdir against Active Directory (Samba AD DC)",
    .enabled(if: ADDirectory.isAvailable, "\(ADDirectory.unavailableReason)"))
struct ADCommandTests {
    let ad: ADDirectory

    init() throws { ad = try ADDirectory.require() }

    var checking: [String] { ["--trust-anchor", ad.trustAnchor, "--intermediates", ad.intermediate] }

    /// Bound as the reader over `uri` (StartTLS for plain `ldap://` URIs), with base `base`.
    func directory(_ uri: String, base: String) -> [String] {
        [
            "--uri", uri, "--base", base, "--tls-ca-file", ad.tlsCAFile, "--bind-dn", ad.readerUPN,
            "--password-file", ad.readerPasswordFile,
        ] + (uri.hasPrefix("ldap://") ? ["--starttls"] : [])
    }

    /// `certdir resolve --format json`, one decoded object per address.
    func resolve(_ endpoint: [String], _ addresses: [String], extra: [String] = []) throws -> (
        outcome: CertDirProcess.Outcome, results: [[String: Any]]
    ) {
        let outcome = try ad.certdir(["resolve"] + endpoint + checking + ["--format", "json"] + extra + addresses)
        let results = outcome.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (outcome, results)
    }

    func chosen(_ result: [String: Any]) -> String? {
        (result["certificate"] as? [String: Any])?["sha256"] as? String
    }

    func source(_ result: [String: Any]) -> [String: Any]? {
        (result["certificate"] as? [String: Any])?["source"] as? [String: Any]
    }

    @Test(
        "through the Global Catalog with base \"\" (3269 LDAPS, 3268 StartTLS): mail, an alias in another case, PKCS#7 only, dual keys, expired plus renewed",
        arguments: ["gcs", "gc"])
    func globalCatalog(_ port: String) throws {
        let uri = port == "gcs" ? ad.gcsURI : ad.gcURI
        let alice = try ad.user("alice")
        let dave = try ad.user("smimeOnly")
        let bob = try ad.user("dual")
        let renee = try ad.user("renewed")
        let addresses = [alice.address, alice.alias, dave.address, bob.address, renee.address].compactMap { $0 }
        let (outcome, results) = try resolve(directory(uri, base: ""), addresses)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try #require(results.count == 5, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(results.map { $0["status"] as? String } == Array(repeating: "ok", count: 5))
        #expect(results.map(chosen) == [alice.sha256, alice.sha256, dave.sha256, bob.sha256, renee.sha256])
        // AD names the attributes plainly, whatever spelling was asked: no ;binary.
        #expect(source(results[0])?["attribute"] as? String == "userCertificate")
        #expect(source(results[2])?["attribute"] as? String == "userSMIMECertificate")
        #expect((results[0]["entries"] as? [String]) == [alice.dn])
        // The dual-key user's signing certificate is a candidate, refused for its key usage.
        let candidates = try #require(results[3]["candidates"] as? [[String: Any]])
        let signing = try #require(candidates.first { $0["sha256"] as? String == bob.signing })
        #expect(signing["accepted"] as? Bool == false)
        let expired = try #require(
            (results[4]["candidates"] as? [[String: Any]])?.first { $0["sha256"] as? String == renee.expired })
        #expect(expired["accepted"] as? Bool == false)
    }

    @Test("a SIP: proxy address is not a mail address: not found (67)")
    func sipIsNotAnAddress() throws {
        let alice = try ad.user("alice")
        let (outcome, results) = try resolve(directory(ad.gcsURI, base: ""), [try #require(alice.sip)])
        #expect(outcome.status == 67, "\(outcome.stderr)")
        #expect(results.first?["status"] as? String == "not-found")
    }

    @Test("a user without certificates: no usable certificate (67)")
    func noCertificate() throws {
        let eve = try ad.user("noCertificate")
        let (outcome, results) = try resolve(directory(ad.ldapsURI, base: ad.base), [try #require(eve.address)])
        #expect(outcome.status == 67, "\(outcome.stderr)")
        #expect(results.first?["status"] as? String == "no-usable-certificate")
    }

    @Test(
        "a domain-root search on 636 (and 389 with StartTLS) reports AD's referral, never follows it, and still resolves",
        arguments: ["ldaps", "ldap"])
    func domainRootReferral(_ scheme: String) throws {
        let alice = try ad.user("alice")
        let (outcome, results) = try resolve(
            directory(scheme == "ldaps" ? ad.ldapsURI : ad.ldapURI, base: ad.base), [try #require(alice.address)],
            extra: ["--explain"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(results.first.flatMap(chosen) == alice.sha256)
        // Samba answers a subtree search at DC=corp,DC=example,DC=test with the entry plus a
        // continuation reference to the configuration partition on a host that does not resolve.
        #expect(outcome.stderr.contains("referral"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("://corp.example.test/CN=Configuration,"), "\(outcome.stderr)")
    }

    @Test(
        "base \"\" on 636 is noSuchObject (32) on AD: certdir says the base does not exist (78) instead of finding nothing"
    )
    func emptyBaseOutsideTheGlobalCatalog() throws {
        let alice = try ad.user("alice")
        let (outcome, _) = try resolve(directory(ad.ldapsURI, base: ""), [try #require(alice.address)])
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the search base does not exist"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("noSuchObject (32)"), "\(outcome.stderr)")
    }

    @Test("an anonymous lookup exits 77 and says the directory requires authentication")
    func anonymous() throws {
        let alice = try ad.user("alice")
        for endpoint in [
            ["--uri", ad.gcsURI, "--base", ""], ["--uri", ad.ldapsURI, "--base", ad.base],
        ] {
            let (outcome, _) = try resolve(endpoint + ["--tls-ca-file", ad.tlsCAFile], [try #require(alice.address)])
            #expect(outcome.status == 77, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("requires authentication"), "\(outcome.stderr)")
        }
    }

    @Test(
        "a simple bind over plain 389/3268 is refused by AD (strongerAuthRequired) and exits 77; with StartTLS it works"
    )
    func simpleBindNeedsTLS() throws {
        let alice = try ad.user("alice")
        for uri in [ad.ldapURI, ad.gcURI] {
            let endpoint = [
                "--uri", uri, "--base", uri == ad.gcURI ? "" : ad.base, "--bind-dn", ad.readerUPN, "--password-file",
                ad.readerPasswordFile, "--allow-plaintext-bind",
            ]
            let (outcome, _) = try resolve(endpoint, [try #require(alice.address)])
            #expect(outcome.status == 77, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("the bind was refused"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("strongerAuthRequired (8)"), "\(outcome.stderr)")
        }
    }

    @Test("AD returns nothing for userCertificate;binary and names attributes plainly, whatever case was asked")
    func attributeNames() throws {
        let alice = try ad.user("alice")
        let search = { (attributes: [String]) in
            try ad.tool(
                "ldapsearch",
                [
                    "-x", "-LLL", "-o", "ldif-wrap=no", "-H", ad.gcsURI, "-D", ad.readerUPN, "-y",
                    ad.readerPasswordFile,
                    "-b", "", "(mail=\(alice.address ?? ""))",
                ] + attributes,
                environment: ["LDAPTLS_CACERT": ad.tlsCAFile, "LDAPNOINIT": ""])
        }
        let binary = try search(["userCertificate;binary"])
        #expect(binary.status == 0, "\(binary.stderr)")
        #expect(!binary.stdout.lowercased().contains("usercertificate"), "\(binary.stdout)")
        let mixed = try search(["USERCERTIFICATE", "usersmimecertificate"])
        let names = Set(
            mixed.stdout.split(separator: "\n").compactMap { $0.split(separator: ":").first.map(String.init) })
        #expect(names == ["dn", "userCertificate", "userSMIMECertificate"], "\(mixed.stdout)")
    }

    @Test("certdir export over the Global Catalog with base \"\" pages through every bulk user (RFC 2696 on AD)")
    func exportGlobalCatalog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-ad-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (uri, base) in [(ad.gcsURI, ""), (ad.ldapsURI, ad.base)] {
            let out = folder.appendingPathComponent("export-\(UUID().uuidString).jsonl").path
            let outcome = try ad.certdir(
                ["export"] + directory(uri, base: base) + checking + [
                    "--format", "jsonl", "--page-size", "200", "--out", out,
                ])
            #expect(outcome.status == 0, "\(uri): \(outcome.stderr)")
            // At the domain root AD adds a continuation reference per search: reported, not followed.
            #expect(
                outcome.stderr.contains("referrals not followed: ldaps://corp.example.test/CN=Configuration") == !base
                    .isEmpty,
                "\(uri): \(outcome.stderr)")
            let records = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let digests = Set(records.compactMap { $0["sha256"] as? String })
            #expect(records.count >= ad.bulk.count + 5, "\(uri): \(records.count) records")
            #expect(Set(ad.bulk.sha256).isSubset(of: digests), "\(uri): every bulk certificate")
            let alice = try ad.user("alice")
            #expect(digests.contains(try #require(alice.sha256)))
            let usable = records.filter { $0["status"] as? String == "usable" || $0["status"] as? String == "ok" }
            #expect(usable.count >= ad.bulk.count, "\(uri): \(Set(records.compactMap { $0["status"] as? String }))")
        }
    }
}

/// Kerberos: `kinit` against the DC's KDC, then `certdir --sasl-mech GSSAPI` with no password
/// anywhere on its command line. `--sasl-nocanon` keeps libsasl from naming the service after the
/// reverse DNS name of 127.0.0.1 (`localhost`), for which the KDC has no principal.
@Suite(
    "certdir with a Kerberos (SASL GSSAPI) bind to Active Directory (Samba AD DC)",
    .enabled(if: ADDirectory.isAvailable, "\(ADDirectory.unavailableReason)"))
struct ADKerberosTests {
    let ad: ADDirectory
    let cache: String

    init() throws {
        ad = try ADDirectory.require()
        cache =
            FileManager.default.temporaryDirectory.appendingPathComponent("certdir-krb5cc-\(UUID().uuidString)").path
    }

    var kerberos: [String: String] { ["KRB5_CONFIG": ad.krb5Config, "KRB5CCNAME": "FILE:" + cache] }

    func resolve(_ uri: String, base: String) throws -> CertDirProcess.Outcome {
        try ad.certdir(
            [
                "resolve", "--uri", uri, "--base", base, "--tls-ca-file", ad.tlsCAFile, "--sasl-mech", "GSSAPI",
                "--sasl-nocanon", "--trust-anchor", ad.trustAnchor, "--intermediates", ad.intermediate, "--format",
                "json", try #require(ad.user("alice").address),
            ], environment: kerberos)
    }

    @Test(
        "after kinit, a GSSAPI bind resolves alice: sign and seal on plain 389, no SASL layer inside TLS on 636 and the GC's 3269"
    )
    func gssapi() throws {
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let alice = try ad.user("alice")
        let kinit = try ad.tool(
            "kinit", ["\(try #require(alice.sam))@\(ad.realm)"], environment: kerberos, stdin: alice.password + "\n")
        try #require(kinit.status == 0, "\(kinit.stderr)")
        let host = ad.host
        for (uri, base) in [("ldap://\(host)", ad.base), ("ldaps://\(host)", ad.base), ("ldaps://\(host):3269", "")] {
            let outcome = try resolve(uri, base: base)
            #expect(outcome.status == 0, "\(uri): \(outcome.stderr)")
            #expect(outcome.stdout.contains("\"sha256\":\"\(try #require(alice.sha256))\""), "\(uri)")
        }
    }

    @Test("sasl-mech and sasl-nocanon from the config file bind with Kerberos too")
    func gssapiFromConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-ad-config-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(atPath: cache)
            try? FileManager.default.removeItem(at: folder)
        }
        let alice = try ad.user("alice")
        let kinit = try ad.tool(
            "kinit", ["\(try #require(alice.sam))@\(ad.realm)"], environment: kerberos, stdin: alice.password + "\n")
        try #require(kinit.status == 0, "\(kinit.stderr)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("certdir"), withIntermediateDirectories: true)
        let config = """
            [directories.corp]
            uri = ["ldaps://\(ad.host):3269"]
            base = ""
            tls-ca-file = "\(ad.tlsCAFile)"
            sasl-mech = "GSSAPI"
            sasl-nocanon = true
            """
        try config.write(
            to: folder.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        var environment = kerberos
        environment["XDG_CONFIG_HOME"] = folder.path
        let outcome = try ad.certdir(
            [
                "resolve", "--directory", "corp", "--trust-anchor", ad.trustAnchor, "--format", "der", "--out",
                folder.appendingPathComponent("out").path, try #require(alice.address),
            ], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path) == [
                "\(try #require(alice.sha256)).der"
            ])
    }

    @Test("without a Kerberos ticket the GSSAPI bind is refused (77) and says there are no credentials")
    func noTicket() throws {
        let outcome = try resolve("ldap://\(ad.host)", base: ad.base)
        #expect(outcome.status == 77, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the bind was refused: bind with SASL GSSAPI"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("No Kerberos credentials available"), "\(outcome.stderr)")
    }
}

/// `certdir publish` against the Samba AD DC: bound as the user itself over LDAPS, AD's plain
/// `userCertificate` (no `;binary`), refused outright on the Global Catalog.
@Suite(
    "certdir publish to Active Directory (Samba AD DC)",
    .enabled(if: ADDirectory.isAvailable, "\(ADDirectory.unavailableReason)"))
struct ADPublishTests {
    let ad: ADDirectory
    let folder: URL

    init() throws {
        ad = try ADDirectory.require()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-ad-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A fresh EC P-256 S/MIME certificate for `address` from the AD sample's intermediate.
    func mint(_ address: String) throws -> (path: String, sha256: String) {
        let base = folder.appendingPathComponent(UUID().uuidString).path
        let extensions = [
            "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyAgreement",
            "extendedKeyUsage=emailProtection", "subjectAltName=email:\(address)", "subjectKeyIdentifier=hash",
            "authorityKeyIdentifier=keyid",
        ]
        try extensions.joined(separator: "\n").write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        for arguments in [
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                base + ".key", "-subj", "/O=Corp Example/CN=\(address)", "-out", base + ".csr",
            ],
            [
                "x509", "-req", "-in", base + ".csr", "-CA", ad.intermediate, "-CAkey",
                ad.intermediate.replacingOccurrences(of: ".crt", with: ".key"), "-set_serial",
                "0x" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16), "-days", "365", "-sha256",
                "-extfile", base + ".ext", "-out", base + ".pem",
            ],
        ] {
            let result = try runTool("openssl", arguments)
            try #require(result.status == 0, "\(result.stderr)")
        }
        let der = try runTool("openssl", ["x509", "-in", base + ".pem", "-outform", "DER"]).stdout
        return (base + ".pem", sha256Hex(Array(der)))
    }

    func publish(_ user: ADDirectory.User, uri: String, _ arguments: [String]) throws -> CertDirProcess.Outcome {
        try ad.certdir(
            [
                "publish", "--uri", uri, "--base", uri == ad.gcsURI ? "" : ad.base, "--tls-ca-file", ad.tlsCAFile,
                "--bind-dn", user.upn ?? "\(user.sam ?? "")@\(ad.domain)", "--password-file", user.passwordFile ?? "",
                "--trust-anchor", ad.trustAnchor, "--intermediates", ad.intermediate,
            ] + arguments)
    }

    /// SHA-256 of each DER value of `attribute` on the entry, read by the reader over LDAPS.
    func values(_ user: ADDirectory.User, _ attribute: String) throws -> [String] {
        let result = try ad.tool(
            "ldapsearch",
            [
                "-x", "-LLL", "-o", "ldif-wrap=no", "-H", ad.ldapsURI, "-D", ad.readerUPN, "-y", ad.readerPasswordFile,
                "-b", user.dn, "-s", "base", "(objectClass=*)", attribute,
            ],
            environment: ["LDAPTLS_CACERT": ad.tlsCAFile, "LDAPNOINIT": ""])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.lowercased().hasPrefix(attribute.lowercased() + ":: ") else { return nil }
            return Data(base64Encoded: String(line.split(separator: " ", maxSplits: 1)[1])).map { sha256Hex(Array($0)) }
        }
    }

    @Test(
        "publish on 636 as the user itself adds the DER to the plain userCertificate; twice changes nothing; resolve finds it"
    )
    func publishOverLDAPS() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let user = try ad.user("pub1")
        let new = try mint(try #require(user.address))
        // Earlier runs against the same DC may have left certificates: compare with what was there.
        let before = try values(user, "userCertificate")
        let first = try publish(user, uri: ad.ldapsURI, [new.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try values(user, "userCertificate").sorted() == (before + [new.sha256]).sorted())
        let again = try publish(user, uri: ad.ldapsURI, [new.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already published"), "\(again.stdout)")
        #expect(try values(user, "userCertificate").sorted() == (before + [new.sha256]).sorted())
        let resolved = try ad.certdir(
            [
                "resolve", "--uri", ad.gcsURI, "--base", "", "--tls-ca-file", ad.tlsCAFile, "--bind-dn", ad.readerUPN,
                "--password-file", ad.readerPasswordFile, "--trust-anchor", ad.trustAnchor, "--intermediates",
                ad.intermediate, "--format", "der", "--out", folder.appendingPathComponent("out").path,
                try #require(user.address),
            ])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path) == [
                "\(new.sha256).der"
            ])
    }

    /// SHA-256 of every certificate inside the entry's `userSMIMECertificate` bundles (openssl reads them).
    func bundleContents(_ user: ADDirectory.User) throws -> Set<String> {
        let result = try ad.tool(
            "ldapsearch",
            [
                "-x", "-LLL", "-o", "ldif-wrap=no", "-H", ad.ldapsURI, "-D", ad.readerUPN, "-y", ad.readerPasswordFile,
                "-b", user.dn, "-s", "base", "(objectClass=*)", "userSMIMECertificate",
            ],
            environment: ["LDAPTLS_CACERT": ad.tlsCAFile, "LDAPNOINIT": ""])
        try #require(result.status == 0, "\(result.stderr)")
        var digests = Set<String>()
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("userSMIMECertificate:: ") {
            let der = try #require(Data(base64Encoded: String(line.dropFirst("userSMIMECertificate:: ".count))))
            let file = folder.appendingPathComponent(UUID().uuidString).path
            try der.write(to: URL(fileURLWithPath: file))
            let printed = try runTool("openssl", ["pkcs7", "-inform", "DER", "-in", file, "-print_certs"])
            for block in String(decoding: printed.stdout, as: UTF8.self).components(
                separatedBy: "-----BEGIN CERTIFICATE-----"
            ).dropFirst() {
                let body = block.components(separatedBy: "-----END")[0].filter { !$0.isWhitespace }
                digests.insert(sha256Hex(Array(try #require(Data(base64Encoded: body)))))
            }
        }
        return digests
    }

    @Test(
        "publish --attribute both on 636: AD has no assertion control, so the bundle is rewritten as a delete of the values read plus an add; a stale rewrite fails and loses nothing"
    )
    func publishBundle() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let user = try ad.user("pub3")
        let address = try #require(user.address)
        let first = try mint(address)
        let before = try values(user, "userCertificate")
        let outcome = try publish(user, uri: ad.ldapsURI, ["--attribute", "both", first.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try values(user, "userCertificate").sorted() == (before + [first.sha256]).sorted())
        #expect(try bundleContents(user).contains(first.sha256))

        // A second certificate: the existing bundle value is deleted by value and the merged one added.
        let second = try mint(address)
        let merged = try publish(user, uri: ad.ldapsURI, ["--attribute", "both", second.path])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try values(user, "userSMIMECertificate").count == 1, "one merged bundle")
        #expect(try bundleContents(user).isSuperset(of: [first.sha256, second.sha256]))

        // The guard: a change planned from a stale read (the dry-run LDIF), applied after another
        // writer rewrote the bundle, fails with noSuchAttribute and leaves the other writer's bundle.
        let stale = try publish(
            user, uri: ad.ldapsURI, ["--attribute", "userSMIMECertificate", "--dry-run", try mint(address).path])
        #expect(stale.status == 0, "\(stale.stderr)")
        #expect(
            stale.stdout.contains("delete: userSMIMECertificate") && !stale.stdout.contains("control:"),
            "\(stale.stdout)")
        let concurrent = try mint(address)
        #expect(
            try publish(user, uri: ad.ldapsURI, ["--attribute", "userSMIMECertificate", concurrent.path]).status == 0)
        let applied = try ad.tool(
            "ldapmodify",
            [
                "-x", "-H", ad.ldapsURI, "-D", try #require(user.upn ?? user.sam.map { "\($0)@\(ad.domain)" }), "-y",
                try #require(user.passwordFile),
            ],
            environment: ["LDAPTLS_CACERT": ad.tlsCAFile, "LDAPNOINIT": ""], stdin: stale.stdout)
        #expect(applied.status == 16, "noSuchAttribute: \(applied.stderr)")
        #expect(try bundleContents(user).isSuperset(of: [first.sha256, second.sha256, concurrent.sha256]))

        let again = try publish(user, uri: ad.ldapsURI, ["--attribute", "both", second.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already published"), "\(again.stdout)")
    }

    @Test("publish to the Global Catalog (3269) is refused before connecting (78) and changes nothing")
    func globalCatalogRefused() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let user = try ad.user("pub2")
        let new = try mint(try #require(user.address))
        let outcome = try publish(user, uri: ad.gcsURI, [new.path])
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the Global Catalog is read-only; publish to a domain controller"))
        #expect(try values(user, "userCertificate").isEmpty)
    }
}

/// The SASL options' usage rules; no directory needed.
@Suite("certdir --sasl-mech usage")
struct SASLOptionTests {
    @Test("--sasl-mech takes no --bind-dn or password, and needs a mechanism name (64)")
    func usage() throws {
        for arguments in [
            ["--sasl-mech", "GSSAPI", "--bind-dn", "cn=x"], ["--sasl-mech", "GSSAPI", "--password-env", "PW"],
            ["--sasl-mech", ""],
        ] {
            let outcome = try CertDirProcess.run(
                ["resolve", "--uri", "ldap://127.0.0.1:1", "--base", "dc=x"] + arguments + ["a@example.com"])
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
        }
    }
}
