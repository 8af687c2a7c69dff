/// Why certdir's answer differs from the expected one, per testcase: an
/// OpenSSL behaviour (certdir's path validation is OpenSSL's
/// `X509_verify_cert`), a Web-PKI rule (CA/Browser Forum Baseline
/// Requirements) that is not certdir's, or certdir's own design. A mismatch
/// without an entry fails `scripts/limbo`, so that each new one is looked at.
enum Explanations {
    static func why(_ testcase: Testcase, _ outcome: Outcome) -> String? {
        if let reason = byID[testcase.id] { return reason }
        if testcase.id.hasPrefix("webpki::cn::") { return commonNameFallback }
        if testcase.id.hasPrefix("webpki::aki::root-with-aki") { return anchorNotJudged }
        return nil
    }

    static let openSSL = "OpenSSL behaviour:"
    static let webPKI = "Web-PKI rule, not certdir's:"

    static let commonNameFallback =
        "\(webPKI) OpenSSL's host check falls back to the subject CN when the certificate has no SAN "
        + "dNSName/iPAddress (RFC 6125 §6.4.4 allows it); the Baseline Requirements forbid CN matching. "
        + "certdir matches mail addresses by its own rule and uses OpenSSL's host check as it is."
    static let anchorNotJudged =
        "certdir's design: every trusted certificate is a trust anchor (`X509_V_FLAG_PARTIAL_CHAIN`, RFC 5280 "
        + "§6.1.1 (d): an anchor is a name and a key), so the anchor's own extensions (here its AKI) are not "
        + "judged; OpenSSL without partial chains refuses the root as its own issuer."
    static let weakAnchor =
        "certdir's design: the strength floor (RFC 8551 §2) applies to the certificate used, not to the trust "
        + "anchor the administrator configured; OpenSSL's default security level accepts this key. "
        + "The Baseline Requirements forbid it in a root."

    static let byID: [String: String] = [
        "crl::crlnumber-missing":
            "\(openSSL) a CRL without cRLNumber is used; RFC 5280 §5.2.3 obliges the CRL issuer, and OpenSSL "
            + "does not check it.",
        "crl::issuer-no-keyusage-extension":
            "\(openSSL) strict mode (`X509_V_FLAG_X509_STRICT`) requires keyUsage in a CA certificate; without "
            + "strict mode (certdir's own checks) this case passes.",
        "cve::cve-2025-61727":
            "\(openSSL) an excluded dNSName subtree (bar.example.com) is not applied to a wildcard SAN "
            + "(*.example.com) that could expand into it; RFC 5280 and RFC 9525 leave this open.",
        "pathlen::validation-ignores-pathlen-in-leaf":
            "\(openSSL) the `sslserver` purpose refuses a leaf with a pathLenConstraint in basicConstraints "
            + "(unsuitable certificate purpose); RFC 5280 says to ignore it in a leaf.",
        "pathlen::max-chain-depth-1-self-issued":
            "\(openSSL) the verify depth counts a self-issued intermediate, which the testcase's depth does not.",
        "rfc5280::aki::cross-signed-root-missing-aki": anchorNotJudged,
        "rfc5280::nc::permitted-dns-match-noncritical":
            "\(openSSL) a non-critical nameConstraints extension is applied, not refused (RFC 5280 §4.2.1.10 "
            + "says conforming CAs MUST mark it critical).",
        "rfc5280::nc::invalid-dnsname-leading-period":
            "\(openSSL) a dNSName constraint with a leading period is accepted as a constraint.",
        "rfc5280::nc::not-allowed-in-ee-noncritical":
            "\(openSSL) nameConstraints in an end-entity certificate is ignored, not refused.",
        "rfc5280::nc::not-allowed-in-ee-critical":
            "\(openSSL) a critical nameConstraints in an end-entity certificate is ignored, not refused.",
        "rfc5280::nc::nc-permits-invalid-dns-san":
            "\(openSSL) a malformed dNSName SAN is not refused by the name-constraint check.",
        "rfc5280::nc::nc-permits-invalid-email-san":
            "\(openSSL) a malformed rfc822Name SAN (invalid@address@example.com) passes the name-constraint "
            + "check; certdir's mailbox match looks only for the asked addresses, which the certificate "
            + "names, and skips a name that is not an address (a candidate for a stricter rule: refuse a "
            + "certificate with a malformed rfc822Name).",
        "rfc5280::nc::nc-forbids-dnsname-wildcard-san":
            "\(openSSL) an excluded subtree is not applied to a wildcard SAN that could expand into it.",
        "rfc5280::pc::ica-noncritical-pc":
            "\(openSSL) a non-critical policyConstraints extension is accepted (RFC 5280 §4.2.1.11: MUST be critical).",
        "rfc5280::san::underscore-dns": "\(openSSL) the syntax of a dNSName SAN is not checked.",
        "rfc5280::serial::too-long":
            "\(openSSL) a serial number longer than 20 octets is accepted (RFC 5280 §4.1.2.2 obliges the CA).",
        "rfc5280::serial::zero": "\(openSSL) a zero serial number is accepted.",
        "rfc5280::validity::notafter-exact":
            "\(openSSL) notAfter is treated as exclusive (`X509_cmp_time` counts the same second as past; here "
            + "for the root, depth 2); RFC 5280 §4.1.2.5 makes it inclusive. In `resolve` and `export` certdir "
            + "judges the leaf's own dates itself, inclusively, but the CAs' dates are OpenSSL's.",
        "rfc5280::validity::notafter-fractional":
            "\(openSSL) as notafter-exact: the CA's notAfter second counts as past.",
        "rfc5280::ca-as-leaf":
            "\(openSSL) the `sslserver` purpose refuses a CA certificate as the leaf; certdir refuses it too, by "
            + "its own rule (a CA certificate is a path element, never a recipient nor, by default, a signer).",
        "webpki::eku::ee-anyeku":
            "\(webPKI) anyExtendedKeyUsage in a server certificate; OpenSSL's `sslserver` purpose accepts it.",
        "webpki::eku::ee-critical-eku":
            "\(webPKI) a critical EKU in a server certificate; OpenSSL accepts it.",
        "webpki::eku::ee-without-eku":
            "\(webPKI) a server certificate without EKU; OpenSSL's `sslserver` purpose accepts it (RFC 5280: "
            + "no EKU means any).",
        "webpki::eku::root-has-eku": "\(webPKI) an EKU in a root; OpenSSL accepts it.",
        "webpki::nc::intermediate-permitted-excluded-subtrees-both-null":
            "\(webPKI) nameConstraints with neither subtree; OpenSSL accepts the empty extension.",
        "webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences":
            "\(webPKI) nameConstraints with empty subtrees; OpenSSL accepts them.",
        "webpki::san::public-suffix-multi-label-wildcard-san":
            "\(webPKI) a wildcard over a public suffix; neither OpenSSL nor certdir knows the Public Suffix List.",
        "webpki::san::public-suffix-private-namespace-wildcard-san":
            "\(webPKI) a wildcard over a (private) public suffix; neither OpenSSL nor certdir knows the list.",
        "webpki::san::wildcard-embedded-leftmost-san":
            "\(webPKI) a partial wildcard (`f*o.example.com`); OpenSSL's host check allows it by default.",
        "webpki::san::no-san":
            "\(webPKI) a server certificate without SAN; OpenSSL matches the subject CN instead.",
        "webpki::san::san-critical-with-nonempty-subject":
            "\(webPKI) a critical SAN beside a non-empty subject; RFC 5280 allows it.",
        "webpki::malformed-aia":
            "\(webPKI) a malformed authorityInfoAccess; OpenSSL does not read AIA during verification, and "
            + "certdir reads it only for path discovery.",
        "webpki::forbidden-p192-root": weakAnchor,
        "webpki::forbidden-dsa-root": weakAnchor,
        "webpki::forbidden-weak-rsa-key-in-root": weakAnchor,
        "webpki::forbidden-rsa-not-divisible-by-8-in-root": weakAnchor,
        "webpki::forbidden-dsa-leaf":
            "\(webPKI) a DSA key; certdir refuses one for encryption (it cannot encrypt) but not as a signer's key, "
            + "and OpenSSL accepts it.",
        "webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf":
            "\(webPKI) a modulus size not divisible by 8; the key is above certdir's 2048-bit floor.",
        "webpki::v1-cert": "\(webPKI) an X.509 v1 leaf; OpenSSL and RFC 5280 accept it.",
    ]
}
