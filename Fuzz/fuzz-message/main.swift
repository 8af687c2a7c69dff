import Foundation
import FuzzSupport

@testable import CertDirectory

// An RFC 5322 / S/MIME message (clear multipart/signed or opaque
// application/pkcs7-mime) → MailMessage, SignedMessage, MessageVerifier.
// Properties: no crash;
// a message SignedMessage cannot read is an invalid verification, never a
// fit one. The verifier runs without a directory and without revocation, and
// only for messages whose certificates name no caIssuers URL: path discovery
// would fetch it, and a fuzzer must not reach the network.

let pki = FuzzPKI.shared
let verifier = MessageVerifier(
    checker: CertificateChecker(
        validator: CertificateValidator(trustAnchors: [pki.root.der]), directory: nil, revocation: .off))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let message = try? MailMessage(parsing: bytes) {
        _ = message.fields(named: "From")
        _ = message.fields(named: "Content-Type")
    }
    let signed = try? SignedMessage(parsing: bytes)
    guard let signed else {
        let verdict = runBlocking { await verifier.verify(bytes, at: pki.time) }
        if verdict.reasons.isEmpty { fuzzFailure("an unreadable message verified") }
        return 0
    }
    guard !signed.certificates.contains(where: { !($0.x509?.caIssuersURLs.isEmpty ?? true) }) else { return 0 }
    let verdict = runBlocking { await verifier.verify(bytes, at: pki.time) }
    if signed.signatureFailure != nil && verdict.reasons.isEmpty {
        fuzzFailure("a message whose signature failed verified")
    }
    return 0
}

@_cdecl("fuzz_message_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
