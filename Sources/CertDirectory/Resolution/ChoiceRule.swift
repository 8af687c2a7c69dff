/// Picks one certificate among fit candidates, deterministically: one that
/// names the asked address before one that names only another `mail` value of
/// the same entry (`other-mail-value`), then the latest
/// notBefore (the newest issuance, so a renewal wins over the certificate it
/// replaces), then the latest notAfter, then the smallest SHA-256 so that equal
/// dates still give the same answer on every run.
enum ChoiceRule {
    static func choose(_ fit: [Candidate]) -> Candidate? {
        fit.min { lhs, rhs in
            guard let a = lhs.certificate, let b = rhs.certificate else { return lhs.certificate != nil }
            let (lhsOther, rhsOther) = (lhs.namesOtherMailValue, rhs.namesOtherMailValue)
            if lhsOther != rhsOther { return !lhsOther }
            if a.notBefore != b.notBefore { return a.notBefore > b.notBefore }
            if a.notAfter != b.notAfter { return a.notAfter > b.notAfter }
            return lhs.sha256 < rhs.sha256
        }
    }
}
