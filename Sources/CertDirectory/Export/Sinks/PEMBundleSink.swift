/// `--format pem`: one PEM bundle of every exported certificate (RFC 7468).
public final class PEMBundleSink: ExportSink {
    private let output: OutputFile

    public init(path: String) throws { output = try OutputFile(path: path, public: true) }

    public func record(_ record: ExportRecord) throws {
        guard let certificate = record.certificate else { return }
        try output.write(certificate.pem)
    }

    public func finish() throws { try output.commit() }
    public func discard() { output.discard() }
    public var isStreaming: Bool { !output.isStaged }
}
