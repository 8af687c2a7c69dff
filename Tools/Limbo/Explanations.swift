/// Why certdir's answer differs from the expected one, per testcase: an
/// OpenSSL behaviour (certdir's path validation is OpenSSL's), a Web-PKI rule
/// that is not certdir's, or a bug to fix. A mismatch without an entry fails
/// `scripts/limbo`, so that each new one is looked at.
enum Explanations {
    static func why(_ testcase: Testcase, _ outcome: Outcome) -> String? {
        byID[testcase.id]
    }

    static let byID: [String: String] = [:]
}
