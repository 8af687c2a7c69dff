import X509

extension ParsedCertificate {
    /// A one-line summary of keyUsage and extendedKeyUsage, as stored in the
    /// address book and shown by `book list`: `"digitalSignature, keyEncipherment;
    /// EKU emailProtection"`. `any` stands for an absent extension (no restriction,
    /// RFC 5280 §4.2.1.3 and §4.2.1.12).
    public var usageSummary: String {
        let extensions = view.extensions
        let usage = (try? extensions.keyUsage).map(Self.names(of:)) ?? "any"
        guard let eku = try? extensions.extendedKeyUsage else { return usage + "; EKU any" }
        let purposes = eku.map { purpose -> String in
            switch purpose {
            case .emailProtection: "emailProtection"
            case .any: "anyExtendedKeyUsage"
            case .clientAuth: "clientAuth"
            case .serverAuth: "serverAuth"
            case .codeSigning: "codeSigning"
            default: "\(purpose)"
            }
        }
        return usage + "; EKU " + purposes.joined(separator: ", ")
    }

    /// The keyUsage bits that are set, by their RFC 5280 §4.2.1.3 names, or `none`.
    static func names(of usage: KeyUsage) -> String {
        let names: [(Bool, String)] = [
            (usage.digitalSignature, "digitalSignature"), (usage.nonRepudiation, "nonRepudiation"),
            (usage.keyEncipherment, "keyEncipherment"), (usage.dataEncipherment, "dataEncipherment"),
            (usage.keyAgreement, "keyAgreement"), (usage.keyCertSign, "keyCertSign"), (usage.cRLSign, "cRLSign"),
        ]
        let set = names.filter(\.0).map(\.1)
        return set.isEmpty ? "none" : set.joined(separator: ", ")
    }
}
