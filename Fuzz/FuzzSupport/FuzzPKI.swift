public import CertDirectory
public import Crypto
public import Foundation
import SwiftASN1
import X509

/// A fixed test PKI for the fuzz targets: a root and an intermediate with
/// keys derived from constant bytes, so that a seed (a TBSCertificate naming
/// the intermediate as issuer) stays meaningful from run to run, and a
/// re-signing step that makes every mutated TBSCertificate a validly signed
/// certificate (the mutation reaches the checks instead of dying at the signature).
public final class FuzzPKI: Sendable {
    /// The evaluation instant of every check (2026-09-21T14:13:20Z).
    public let time = Date(timeIntervalSince1970: 1_790_000_000)
    public let rootKey: P256.Signing.PrivateKey
    public let intermediateKey: P256.Signing.PrivateKey
    public let root: ParsedCertificate
    public let intermediate: ParsedCertificate

    public static let shared = try! FuzzPKI()

    init() throws {
        rootKey = try P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x11, count: 32))
        intermediateKey = try P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x22, count: 32))
        let rootName = try DistinguishedName {
            OrganizationName("certdir fuzz")
            CommonName("certdir fuzz root")
        }
        let intermediateName = try DistinguishedName {
            OrganizationName("certdir fuzz")
            CommonName("certdir fuzz intermediate")
        }
        let start = time - 86_400 * 365
        let end = time + 86_400 * 3650
        let rootCertificate = try Certificate(
            version: .v3, serialNumber: .init(bytes: [1]), publicKey: .init(rootKey.publicKey),
            notValidBefore: start, notValidAfter: end, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        let intermediateCertificate = try Certificate(
            version: .v3, serialNumber: .init(bytes: [2]), publicKey: .init(intermediateKey.publicKey),
            notValidBefore: start, notValidAfter: end, issuer: rootName, subject: intermediateName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        root = try ParsedCertificate(der: Self.der(rootCertificate))
        intermediate = try ParsedCertificate(der: Self.der(intermediateCertificate))
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// `SEQUENCE { tbs, algorithm, BIT STRING signature }`: the algorithm is
    /// copied from the TBS (its second or first element, as found), the
    /// signature is ECDSA-SHA256 by `key` over the TBS bytes as given.
    public func signed(tbs: [UInt8], by key: P256.Signing.PrivateKey) -> [UInt8]? {
        guard let elements = DERTree.parseAll(tbs[...]), elements.count == 1,
            case .constructed(_, let fields) = elements[0]
        else { return nil }
        // TBSCertificate: [0] version first, then serial, then the algorithm;
        // TBSCertList: an optional version INTEGER, then the algorithm.
        let algorithm = fields.first { if case .constructed(0x30, _) = $0 { true } else { false } }
        guard let algorithm, let signature = try? key.signature(for: tbs) else { return nil }
        var content = tbs
        algorithm.encode(into: &content)
        let bits = [0] + Array(signature.derRepresentation)
        content.append(0x03)
        DERTree.appendLength(bits.count, to: &content)
        content += bits
        var out: [UInt8] = [0x30]
        DERTree.appendLength(content.count, to: &out)
        return out + content
    }

    /// The TBS part (first element) of a signed DER structure.
    public static func tbs(of signed: [UInt8]) -> [UInt8]? {
        guard let elements = DERTree.parseAll(signed[...]), elements.count == 1,
            case .constructed(_, let fields) = elements[0], let first = fields.first
        else { return nil }
        return first.encoded
    }
}

/// The fuzzer's input as bytes.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Runs async work to completion from libFuzzer's synchronous callback.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Stops the fuzzer with a finding: libFuzzer records the input as a crash.
public func fuzzFailure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("FUZZ FAILURE: \(message)\n".utf8))
    abort()
}

@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The program's entry: libFuzzer's driver with `callback` as the target.
///
/// SwiftPM links an executable target with `main` defined as `MODULE_main`
/// (the entry point it renames so that tests can link executables); built
/// with `-parse-as-library` a target has no such function, so each target
/// defines `MODULE_main` with `@_cdecl` and calls this, instead of relying on
/// libFuzzer's own `main`.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var count = argc
    var arguments = argv
    return llvmFuzzerRunDriver(&count, &arguments, callback)
}
