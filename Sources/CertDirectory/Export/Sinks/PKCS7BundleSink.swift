import Foundation

/// `--format p7c`: a DER PKCS#7 certs-only bundle (a degenerate SignedData,
/// RFC 5652 §5.1 with no signers; RFC 8551 §3.8 `application/pkcs7-mime;
/// smime-type=certs-only`), which Windows and Outlook import.
///
/// Streaming with flat memory: the certificates go to a staging file as they
/// arrive; ``finish()`` writes the ContentInfo header, whose lengths are known
/// only then, and copies the certificates after it.
public final class PKCS7BundleSink: ExportSink {
    private let output: OutputFile
    private let staging: OutputFile
    private let stagingPath: String
    private var certificateBytes = 0

    public init(path: String) throws {
        output = try OutputFile(path: path, public: true)
        stagingPath =
            FileManager.default.temporaryDirectory.appendingPathComponent("certdir-p7c-\(UUID().uuidString)").path
        staging = try OutputFile(path: stagingPath)
    }

    public func record(_ record: ExportRecord) throws {
        guard let certificate = record.certificate else { return }
        try staging.write(certificate.der)
        certificateBytes += certificate.der.count
    }

    public func finish() throws {
        defer { try? FileManager.default.removeItem(atPath: stagingPath) }
        try staging.commit()
        try output.write(Self.header(certificateBytes: certificateBytes))
        guard let input = FileHandle(forReadingAtPath: stagingPath) else {
            throw OutputFileError(path: stagingPath, reason: "cannot read the staged certificates")
        }
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(chunk) }
        try output.write(Self.trailer)
        try output.commit()
    }

    public func discard() {
        staging.discard()
        output.discard()
        try? FileManager.default.removeItem(atPath: stagingPath)
    }

    /// ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
    /// SignedData ::= SEQUENCE { version 1, digestAlgorithms SET {}, encapContentInfo
    /// SEQUENCE { id-data }, certificates [0] IMPLICIT SET OF Certificate, signerInfos SET {} }
    /// Everything up to the certificates' contents; ``trailer`` closes it.
    static func header(certificateBytes: Int) -> [UInt8] {
        let version: [UInt8] = [0x02, 0x01, 0x01]
        let digestAlgorithms: [UInt8] = [0x31, 0x00]
        let idData: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]
        let encapContentInfo = DERFraming.header(0x30, idData.count) + idData
        let certificatesHeader = DERFraming.header(0xa0, certificateBytes)
        let signedDataLength =
            version.count + digestAlgorithms.count + encapContentInfo.count + certificatesHeader.count
            + certificateBytes
            + trailer.count
        let signedDataHeader = DERFraming.header(0x30, signedDataLength)
        let explicitHeader = DERFraming.header(0xa0, signedDataHeader.count + signedDataLength)
        let idSignedData: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]
        let contentInfoLength = idSignedData.count + explicitHeader.count + signedDataHeader.count + signedDataLength
        return DERFraming.header(0x30, contentInfoLength) + idSignedData + explicitHeader + signedDataHeader + version
            + digestAlgorithms + encapContentInfo + certificatesHeader
    }

    /// The empty signerInfos SET.
    static let trailer: [UInt8] = [0x31, 0x00]
}
