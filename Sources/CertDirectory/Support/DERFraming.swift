/// The few DER framing bytes certdir writes itself (X.690 §8.1): a tag and a
/// definite length, for streaming structures whose contents are written
/// separately. Everything that is parsed goes through swift-asn1 or OpenSSL.
enum DERFraming {
    /// Tag byte followed by the definite-length encoding of `length`.
    static func header(_ tag: UInt8, _ length: Int) -> [UInt8] {
        if length < 0x80 { return [tag, UInt8(length)] }
        var bytes: [UInt8] = []
        var remaining = length
        while remaining > 0 {
            bytes.insert(UInt8(remaining & 0xff), at: 0)
            remaining >>= 8
        }
        return [tag, 0x80 | UInt8(bytes.count)] + bytes
    }
}
