/// Where an export's records go. Called in directory order, from one task.
///
/// A sink stages its output (temporary file or folder) and makes it visible
/// only in ``finish()``; ``discard()`` removes everything, so a failed export
/// leaves nothing at the target path.
public protocol ExportSink: AnyObject {
    /// A certificate or malformed value seen for the first time.
    func record(_ record: ExportRecord) throws
    /// A certificate already recorded is held by another entry too.
    func holder(_ holder: ExportRecord.Holder, of sha256: String) throws
    /// Every certificate value of one entry, raw, with whether it holds a usable certificate.
    func entry(dn: String, values: [(attribute: String, value: [UInt8], usable: Bool)]) throws
    /// Makes the output visible at its target.
    func finish() throws
    /// Removes whatever was staged.
    func discard()
    /// True when records go straight to a device, pipe or stdout as they come,
    /// so a failed export may have written part of its output there.
    var isStreaming: Bool { get }
}

extension ExportSink {
    public var isStreaming: Bool { false }

    public func holder(_ holder: ExportRecord.Holder, of sha256: String) throws {}
    public func entry(dn: String, values: [(attribute: String, value: [UInt8], usable: Bool)]) throws {}
}
