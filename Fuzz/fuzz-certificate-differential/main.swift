import Foundation
import FuzzSupport

@testable import CertDirectory

// Export's signature-only route (`promotingVerifiedCAs`, then a signature
// check by swift-crypto) must give exactly the verdict of OpenSSL's full path
// (`X509_verify_cert`) under the same anchor and intermediate. The input is a
// TBSCertificate; it is signed here by the intermediate's key (one input in
// eight by the root's key under the intermediate's name, a forged signature),
// so that every mutation reaches the checks. Any difference aborts.
// The same leaf is checked a second way with the intermediate as the trust
// anchor itself, so that it is a leaf issued directly by an anchor (the
// anchor route of `promotingVerifiedCAs`).

let pki = FuzzPKI.shared
let plain = CertificateValidator(trustAnchors: [pki.root.der])
let promoted = {
    let promoted = plain.promotingVerifiedCAs([pki.intermediate], at: pki.time)
    if promoted.verifiedIssuers.verifiedAuthorities == 0 { fuzzFailure("the intermediate was not promoted") }
    return promoted
}()
let anchored = CertificateValidator(trustAnchors: [pki.intermediate.der])
let anchoredPromoted = {
    let promoted = anchored.promotingVerifiedCAs([], at: pki.time)
    if !promoted.verifiedIssuers.isVerified(pki.intermediate.sha256) { fuzzFailure("the anchor was not promoted") }
    return promoted
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let tbs = fuzzBytes(data, size)
    let forged = tbs.reduce(0) { $0 &+ Int($1) } % 8 == 0
    guard let der = pki.signed(tbs: tbs, by: forged ? pki.rootKey : pki.intermediateKey),
        let leaf = try? ParsedCertificate(der: der)
    else { return 0 }
    for purpose in [Purpose.encrypt, .verify] {
        let full = plain.validate(leaf, purpose: purpose, address: nil, intermediates: [pki.intermediate], at: pki.time)
        let fast = promoted.validate(
            leaf, purpose: purpose, address: nil, intermediates: [pki.intermediate], at: pki.time)
        if full != fast {
            fuzzFailure("signature-only route \(fast) differs from OpenSSL's full path \(full)")
        }
        let fullAnchored = anchored.validate(leaf, purpose: purpose, address: nil, intermediates: [], at: pki.time)
        let fastAnchored = anchoredPromoted.validate(
            leaf, purpose: purpose, address: nil, intermediates: [], at: pki.time)
        if fullAnchored != fastAnchored {
            fuzzFailure("anchor route \(fastAnchored) differs from OpenSSL's full path \(fullAnchored)")
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(
    _ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32
) -> Int {
    StructureAwareMutator.mutate(data, size, maxSize, seed)
}

@_cdecl("fuzz_certificate_differential_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
