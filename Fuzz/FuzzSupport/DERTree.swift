/// A DER element tree, only as much as a structure-aware mutator needs: tags
/// and contents, with lengths recomputed on encoding, so that a mutated field
/// keeps every enclosing length right (raw bit flips mostly break the framing).
public indirect enum DERTree: Sendable {
    /// A primitive element; `tag` is the identifier octet.
    case primitive(tag: UInt8, content: [UInt8])
    /// A constructed element (SEQUENCE, SET, context tags with the 0x20 bit).
    case constructed(tag: UInt8, children: [DERTree])
    /// An OCTET STRING or BIT STRING (with `prefix` = its unused-bits octet)
    /// whose content is itself DER, as in extnValue.
    case encapsulating(tag: UInt8, prefix: [UInt8], children: [DERTree])

    /// Parses `bytes` completely into a list of elements; `nil` when they are
    /// not a sequence of complete single-octet-tag elements.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, depth: Int = 0) -> [DERTree]? {
        guard depth < 24 else { return nil }
        var elements: [DERTree] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let tag = bytes[index]
            guard tag & 0x1f != 0x1f, index + 1 < bytes.endIndex else { return nil }
            var cursor = index + 1
            var length = Int(bytes[cursor])
            cursor += 1
            if length & 0x80 != 0 {
                let octets = length & 0x7f
                guard octets >= 1, octets <= 3, cursor + octets <= bytes.endIndex else { return nil }
                length = 0
                for _ in 0..<octets {
                    length = length << 8 | Int(bytes[cursor])
                    cursor += 1
                }
            }
            guard length <= bytes.endIndex - cursor else { return nil }
            let content = bytes[cursor..<(cursor + length)]
            if tag & 0x20 != 0 {
                guard let children = parseAll(content, depth: depth + 1) else { return nil }
                elements.append(.constructed(tag: tag, children: children))
            } else if tag == 0x04, !content.isEmpty, let inner = parseAll(content, depth: depth + 1) {
                elements.append(.encapsulating(tag: tag, prefix: [], children: inner))
            } else if tag == 0x03, content.count > 1, content.first == 0,
                let inner = parseAll(content.dropFirst(), depth: depth + 1)
            {
                elements.append(.encapsulating(tag: tag, prefix: [0], children: inner))
            } else {
                elements.append(.primitive(tag: tag, content: Array(content)))
            }
            index = cursor + length
        }
        return elements
    }

    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    public func encode(into out: inout [UInt8]) {
        let tag: UInt8
        var content: [UInt8] = []
        switch self {
        case .primitive(let t, let c):
            tag = t
            content = c
        case .constructed(let t, let children):
            tag = t
            for child in children { child.encode(into: &content) }
        case .encapsulating(let t, let prefix, let children):
            tag = t
            content = prefix
            for child in children { child.encode(into: &content) }
        }
        out.append(tag)
        DERTree.appendLength(content.count, to: &out)
        out += content
    }

    public static func appendLength(_ length: Int, to out: inout [UInt8]) {
        if length < 0x80 {
            out.append(UInt8(length))
        } else if length < 0x100 {
            out += [0x81, UInt8(length)]
        } else if length < 0x10000 {
            out += [0x82, UInt8(length >> 8), UInt8(length & 0xff)]
        } else {
            out += [0x83, UInt8(length >> 16), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
        }
    }

    /// Number of elements in this subtree, itself included.
    var count: Int {
        switch self {
        case .primitive: 1
        case .constructed(_, let children), .encapsulating(_, _, let children):
            1 + children.reduce(0) { $0 + $1.count }
        }
    }
}
