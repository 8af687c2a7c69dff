import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir publish` against a scratch slapd of its own (never the shared test
/// directory), bound as the user itself over StartTLS or LDAPS. Certificates are
/// minted in the test with the openssl CLI and the sample's intermediate CA.
@Suite("certdir publish", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct PublishCommandTests {
    let sample: SampleManifest
    let folder: URL

    init() throws {
        sample = try TestDirectory.require().sample()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func scratch() throws -> ScratchDirectory { try ScratchDirectory(ldifs: [sample.path("people.ldif")]) }

    func dn(_ uid: String) -> String { "uid=\(uid),ou=people,dc=example,dc=com" }

    /// A fresh EC P-256 S/MIME certificate from the sample intermediate (extensions as gen-sample.py gives them).
    func mint(_ addresses: [String], name: String = "New Certificate") throws -> (path: String, sha256: String) {
        let base = folder.appendingPathComponent(UUID().uuidString).path
        let extensions = [
            "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyAgreement",
            "extendedKeyUsage=emailProtection",
            "subjectAltName=" + addresses.map { "email:" + $0 }.joined(separator: ","),
            "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid",
        ]
        try extensions.joined(separator: "\n").write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        let intermediate = sample.path(sample.intermediate)
        for arguments in [
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                base + ".key",
                "-subj", "/O=Example Corp/CN=\(name)", "-out", base + ".csr",
            ],
            [
                "x509", "-req", "-in", base + ".csr", "-CA", intermediate, "-CAkey",
                intermediate.replacingOccurrences(of: ".crt", with: ".key"), "-set_serial",
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

    func publish(
        _ scratch: ScratchDirectory, as uid: String, _ arguments: [String], ldaps: Bool = false,
        environment: [String: String] = [:]
    ) throws -> CertDirProcess.Outcome {
        let endpoint = ldaps ? ["--uri", scratch.info.ldapsURI] : ["--uri", scratch.info.ldapURI, "--starttls"]
        return try CertDirProcess.run(
            ["publish"] + endpoint + [
                "--tls-ca-file", scratch.info.tlsCAFile, "--base", "dc=example,dc=com", "--bind-dn", dn(uid),
                "--password-env", "CERTDIR_TEST_PW", "--trust-anchor", sample.path(sample.trustAnchor),
                "--intermediates", sample.path(sample.intermediate),
            ] + arguments, environment: environment.merging(["CERTDIR_TEST_PW": "userpw"]) { $1 })
    }

    /// The entry as the admin reads it: attribute → values (base64 kept as text), user attributes and entryCSN.
    func entry(_ scratch: ScratchDirectory, _ uid: String) throws -> [String: [String]] {
        let result = try runTool(
            "ldapsearch",
            [
                "-x", "-H", scratch.info.ldapURI, "-D", "cn=admin,dc=example,dc=com", "-w", scratch.adminPassword,
                "-LLL", "-o", "ldif-wrap=no", "-b", dn(uid), "-s", "base", "*", "entryCSN",
            ])
        try #require(result.status == 0, "\(result.stderr)")
        var attributes: [String: [String]] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("dn:") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == ":" || $0 == " " }
            attributes[String(line[..<colon]), default: []].append(String(value))
        }
        return attributes
    }

    /// SHA-256 of every certificate value of `attribute`, bundles opened with openssl.
    func certificates(_ values: [String]?, bundle: Bool = false) throws -> Set<String> {
        var digests = Set<String>()
        for value in values ?? [] {
            let der = try #require(Data(base64Encoded: value))
            guard bundle else {
                digests.insert(sha256Hex(Array(der)))
                continue
            }
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

    func sampleCertificates(_ uid: String, _ reasons: [String]) -> [String] {
        sample.certificates.filter { $0.dn == dn(uid) && $0.reasons == reasons }.map(\.sha256)
    }

    func modifications(_ scratch: ScratchDirectory) throws -> Int {
        try String(contentsOfFile: scratch.info.slapdLog, encoding: .utf8).components(separatedBy: " MOD dn=").count - 1
    }

    @Test(
        "after a publish, resolve returns the new certificate and every other value stays; publishing twice leaves one value in each attribute"
    )
    func publishThenResolve() throws {
        let scratch = try scratch()
        defer {
            scratch.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let new = try mint(["alice@example.com"])
        let before = try entry(scratch, "alice")
        let outcome = try publish(scratch, as: "alice", [new.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("published \(new.sha256) to \(dn("alice"))"))
        #expect(outcome.stdout.contains("fit for encryption and signing"))
        var after = try entry(scratch, "alice")
        #expect(
            try certificates(after["userCertificate;binary"])
                == certificates(before["userCertificate;binary"]).union([new.sha256]))
        for key in ["userCertificate;binary", "entryCSN"] { after[key] = before[key] }
        #expect(after == before)
        let resolved = try CertDirProcess.run([
            "resolve", "--uri", scratch.info.ldapURI, "--base", "dc=example,dc=com", "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate), "--format", "json",
            "alice@example.com",
        ])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let chosen = try JSONSerialization.jsonObject(with: Data(resolved.stdout.utf8)) as? [String: Any]
        #expect((chosen?["certificate"] as? [String: Any])?["sha256"] as? String == new.sha256, "\(resolved.stdout)")

        // Twice, to both attributes: the second run finds it everywhere and sends no modify.
        #expect(try publish(scratch, as: "alice", ["--attribute", "both", new.path]).status == 0)
        let first = try entry(scratch, "alice")
        let modifies = try modifications(scratch)
        let again = try publish(scratch, as: "alice", ["--attribute", "both", new.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("already published"))
        #expect(try entry(scratch, "alice") == first)
        #expect(try modifications(scratch) == modifies)
        #expect(first["userCertificate;binary"]?.count == 2 && first["userSMIMECertificate"]?.count == 1)
    }

    @Test(
        "userSMIMECertificate keeps every certificate already in the bundle; PKCS#12 input publishes the key's certificate with its chain"
    )
    func keepsBundleAndPKCS12() throws {
        let scratch = try scratch()
        defer {
            scratch.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        // p7only: a certs-only bundle (intermediate + certificate), from a PEM file, over StartTLS.
        let before = try certificates(try entry(scratch, "p7only")["userSMIMECertificate"], bundle: true)
        #expect(before.count == 2)
        let new = try mint(["p7only@example.com"])
        let outcome = try publish(scratch, as: "p7only", ["--attribute", "userSMIMECertificate", new.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let after = try entry(scratch, "p7only")
        #expect(after["userSMIMECertificate"]?.count == 1)
        #expect(try certificates(after["userSMIMECertificate"], bundle: true) == before.union([new.sha256]))

        // outlook: a signed-data bundle, from a PKCS#12 file (password from a file), over LDAPS.
        let signed = try certificates(try entry(scratch, "outlook")["userSMIMECertificate"], bundle: true)
        let enrolled = try mint(["outlook@example.com"])
        // The file also carries the intermediate and an unrelated certificate: only the key's one is published.
        let extras = folder.appendingPathComponent("extras.pem").path
        try
            (String(contentsOfFile: sample.path(sample.intermediate), encoding: .utf8)
            + String(contentsOfFile: try mint(["bob@example.com"]).path, encoding: .utf8))
            .write(toFile: extras, atomically: true, encoding: .utf8)
        let p12 = folder.appendingPathComponent("new.p12").path
        let exported = try runTool(
            "openssl",
            [
                "pkcs12", "-export", "-in", enrolled.path, "-inkey",
                enrolled.path.replacingOccurrences(of: ".pem", with: ".key"), "-certfile", extras, "-passout",
                "pass:p12 secret", "-out", p12,
            ])
        try #require(exported.status == 0, "\(exported.stderr)")
        let passwordFile = folder.appendingPathComponent("p12.pw").path
        try "p12 secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let unchanged = try entry(scratch, "outlook")
        let wrong = try publish(
            scratch, as: "outlook", ["--p12-password-env", "WRONG_PW", p12], environment: ["WRONG_PW": "nope"])
        #expect(wrong.status == 65 && wrong.stderr.contains("wrong password"), "\(wrong.stderr)")
        #expect(try entry(scratch, "outlook") == unchanged)
        let published = try publish(
            scratch, as: "outlook", ["--attribute", "both", "--p12-password-file", passwordFile, p12], ldaps: true)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(!published.stdout.contains("PRIVATE") && !published.stderr.contains("PRIVATE"))
        let now = try entry(scratch, "outlook")
        #expect(try certificates(now["userCertificate;binary"]) == [enrolled.sha256])
        #expect(try certificates(now["userSMIMECertificate"], bundle: true) == signed.union([enrolled.sha256]))
    }

    @Test(
        "--replace-expired removes exactly the expired values in one modify; the --dry-run LDIF changes nothing and, applied with ldapmodify, gives the same end state"
    )
    func replaceExpiredAndDryRun() throws {
        let (real, viaLDIF) = (try scratch(), try scratch())
        defer {
            real.stop()
            viaLDIF.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let expired = try #require(sampleCertificates("renewed", ["expired"]).first)
        let valid = try #require(sampleCertificates("renewed", []).first)
        let intermediate = sha256Hex(
            Array(try runTool("openssl", ["x509", "-in", sample.path(sample.intermediate), "-outform", "DER"]).stdout))
        // Give renewed a bundle too: its expired and valid certificates and the intermediate.
        let bundle = folder.appendingPathComponent("renewed.p7c").path
        let made = try runTool(
            "openssl",
            [
                "crl2pkcs7", "-nocrl", "-outform", "DER", "-out", bundle, "-certfile",
                sample.path("keys/\(expired).crt"), "-certfile", sample.path("keys/\(valid).crt"), "-certfile",
                sample.path(sample.intermediate),
            ])
        try #require(made.status == 0, "\(made.stderr)")
        let ldif =
            "dn: \(dn("renewed"))\nchangetype: modify\nreplace: userSMIMECertificate\n"
            + "userSMIMECertificate:< file://\(bundle)\n-\n"
        for scratch in [real, viaLDIF] {
            let applied = try runTool(
                "ldapmodify",
                ["-x", "-H", scratch.info.ldapURI, "-D", "cn=admin,dc=example,dc=com", "-w", scratch.adminPassword],
                stdin: Data(ldif.utf8))
            try #require(applied.status == 0, "\(applied.stderr)")
        }
        let new = try mint(["renewed@example.com"])
        let arguments = ["--attribute", "both", "--replace-expired", new.path]

        let modifies = try modifications(real)
        let outcome = try publish(real, as: "renewed", arguments)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try modifications(real) == modifies + 1)
        let after = try entry(real, "renewed")
        #expect(try certificates(after["userCertificate;binary"]) == [valid, new.sha256])
        #expect(try certificates(after["userSMIMECertificate"], bundle: true) == [intermediate, valid, new.sha256])

        let before = try entry(viaLDIF, "renewed")
        let dry = try publish(viaLDIF, as: "renewed", ["--dry-run"] + arguments)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try entry(viaLDIF, "renewed") == before)
        #expect(dry.stdout.contains("\ncontrol: 1.3.6.1.1.12 true:: "))
        let file = folder.appendingPathComponent("change.ldif").path
        try dry.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let applied = try runTool(
            "env",
            [
                "-u", "LDAPNOINIT", "LDAPTLS_CACERT=\(viaLDIF.info.tlsCAFile)", "ldapmodify", "-x", "-ZZ", "-H",
                viaLDIF.info.ldapURI, "-D", dn("renewed"), "-w", "userpw", "-f", file,
            ])
        #expect(applied.status == 0, "\(applied.stderr)")
        var (left, right) = (try entry(viaLDIF, "renewed"), after)
        (left["entryCSN"], right["entryCSN"]) = (nil, nil)
        #expect(left == right)
    }

    @Test(
        "refusals change nothing: a Global Catalog before connecting (78), an address mismatch (65), another user's entry (77)"
    )
    func refusals() throws {
        let scratch = try scratch()
        defer {
            scratch.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let new = try mint(["alice@example.com"])
        let log = { try String(contentsOfFile: scratch.info.slapdLog, encoding: .utf8) }
        let quiet = try log()
        for uri in [[scratch.info.gcURI, "--global-catalog"], ["ldap://127.0.0.1:3268"]] {
            let outcome = try CertDirProcess.run(
                ["publish", "--uri"] + uri + [
                    "--base", "dc=example,dc=com", "--trust-anchor", sample.path(sample.trustAnchor), "--force",
                    new.path,
                ])
            #expect(outcome.status == 78, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("the Global Catalog is read-only; publish to a domain controller"))
        }
        #expect(try log() == quiet, "no connection reached slapd")

        let before = try entry(scratch, "alice")
        let bob = try mint(["bob@example.com"])
        let mismatch = try publish(scratch, as: "alice", ["--dn", dn("alice"), bob.path])
        #expect(mismatch.status == 65, "\(mismatch.stderr)")
        #expect(
            mismatch.stderr.contains(
                "refused by the address rule: the certificate names bob@example.com; the entry \(dn("alice")) has alice@example.com"
            ))
        #expect(try entry(scratch, "alice") == before)
        #expect(try modifications(scratch) == 0, "refusals are decided before any modify is sent")

        let dual = try mint(["dual@example.com"])
        let untouched = try entry(scratch, "dual")
        let foreign = try publish(scratch, as: "alice", ["--dn", dn("dual"), dual.path])
        #expect(foreign.status == 77, "\(foreign.stderr)")
        #expect(foreign.stderr.contains("\(dn("dual")): insufficientAccessRights (50)"))
        #expect(try entry(scratch, "dual") == untouched)
    }
}
