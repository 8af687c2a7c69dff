import Foundation
import FuzzSupport

@testable import CertDirectory

// A CRL → the revocation decision of a path (TrustStore with CRL checking, as
// `resolve --revocation` and `verify` run it). The input is a TBSCertList,
// signed here by the root's key (one in eight by the intermediate's), so that
// mutations reach the decision. The path is intermediate → root; the leaf is
// the intermediate itself, a CA with a path, checked for `verify`.
// Properties: no crash; a CRL that does not parse never changes the verdict
// from the one without it.

let pki = FuzzPKI.shared
let validator = CertificateValidator(trustAnchors: [pki.root.der], policy: ValidationPolicy(acceptCASigners: true))
let intermediates = [pki.intermediate.x509!]
let withoutCRL = validator.validate(
    pki.intermediate, purpose: .verify, address: nil, intermediates: intermediates, crls: [], revocation: .prefer,
    sourceFailures: [], at: pki.time)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let tbs = fuzzBytes(data, size)
    let byIntermediate = tbs.reduce(0) { $0 &+ Int($1) } % 8 == 0
    for der in [tbs, pki.signed(tbs: tbs, by: byIntermediate ? pki.intermediateKey : pki.rootKey) ?? []] {
        let crl = CRLRef(der: der)
        for mode in [RevocationMode.prefer, .require] {
            let result = validator.validate(
                pki.intermediate, purpose: .verify, address: nil, intermediates: intermediates,
                crls: crl.map { [$0] } ?? [], revocation: mode, sourceFailures: [], at: pki.time)
            if crl == nil && mode == .prefer && result != withoutCRL {
                fuzzFailure("an unreadable CRL changed the verdict: \(result)")
            }
            _ = crl?.nextUpdate
            _ = crl?.issuerRFC4514
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

@_cdecl("fuzz_crl_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
