import Foundation
import FuzzSupport

@testable import CertDirectory

// Directory values → candidates → the full local checks, as export's page
// checker runs them on one entry. The input holds one or more values of
// userCertificate;binary / userSMIMECertificate, separated by the four bytes
// "\n%%\n" (DER, PEM or base64 text, PKCS#7 certs-only or signed bundles).
// The CA certificates among them are the trust anchors, so that paths are
// built. The entry is checked twice, through the signature-only route and
// through OpenSSL's path alone: both must give the same verdicts.

let separator: [UInt8] = Array("\n%%\n".utf8)
let time = FuzzPKI.shared.time

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let values = split(fuzzBytes(data, size))
    guard !values.isEmpty, values.count <= 16 else { return 0 }
    let smime = values.count > 1 ? [values[values.count - 1]] : []
    let entry = LDAPEntry(
        dn: "cn=fuzz,dc=example",
        attributes: [
            .init(description: "mail", values: [Array("fuzz@example.com".utf8)]),
            .init(description: "userCertificate;binary", values: values.count > 1 ? Array(values.dropLast()) : values),
            .init(description: "userSMIMECertificate", values: smime),
        ])
    let authorities = EntryValues(entry: entry, uri: "ldap://fuzz").certificates.map(\.certificate).filter(\.isCA)
    let validator = CertificateValidator(trustAnchors: authorities.prefix(1).map(\.der))
    let promoted = validator.promotingVerifiedCAs(authorities, at: time)
    // Without a revocation checker both routes decide synchronously; checkEntry is async for export's CRLs.
    let full = runBlocking {
        await PageChecker(validator: validator, intermediates: [], time: time, uri: "ldap://fuzz").checkEntry(entry)
    }
    let fast = runBlocking {
        await PageChecker(validator: promoted, intermediates: [], time: time, uri: "ldap://fuzz").checkEntry(entry)
    }
    guard full.items.count == fast.items.count else { fuzzFailure("different numbers of items") }
    for (a, b) in zip(full.items, fast.items) {
        guard a.sha256 == b.sha256, a.status == b.status, a.reasons == b.reasons else {
            fuzzFailure("item \(a.sha256): full path \(a.status) \(a.reasons), signature-only \(b.status) \(b.reasons)")
        }
    }
    return 0
}

func split(_ bytes: [UInt8]) -> [[UInt8]] {
    var values: [[UInt8]] = []
    var start = 0
    var index = 0
    while index + separator.count <= bytes.count {
        if bytes[index..<(index + separator.count)].elementsEqual(separator) {
            values.append(Array(bytes[start..<index]))
            index += separator.count
            start = index
        } else {
            index += 1
        }
    }
    values.append(Array(bytes[start...]))
    return values
}

@_cdecl("fuzz_directory_value_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
