/// Builds one compact JSON object (RFC 8259) field by field, for output that
/// is written once per certificate: `JSONEncoder` costs about 50 µs per export
/// record here, a quarter of the work per certificate besides its signature.
/// Keys appear in the order written; strings are escaped per RFC 8259 §7.
struct JSONLine {
    private(set) var text = "{"
    private var first = true

    mutating func field(_ key: String, _ value: String?) {
        name(key)
        if let value { Self.append(string: value, to: &text) } else { text += "null" }
    }

    /// An array of objects, each built by `body`.
    mutating func field<Element>(_ key: String, objects: [Element], _ body: (inout JSONLine, Element) -> Void) {
        name(key)
        text += "["
        for (index, element) in objects.enumerated() {
            if index > 0 { text += "," }
            var object = JSONLine()
            body(&object, element)
            text += object.closed
        }
        text += "]"
    }

    /// The object with its closing brace.
    var closed: String { text + "}" }

    private mutating func name(_ key: String) {
        if !first { text += "," }
        first = false
        Self.append(string: key, to: &text)
        text += ":"
    }

    /// `value` as a JSON string: quote, reverse solidus and control characters
    /// escaped, everything else (UTF-8, `/`) as is.
    static func append(string value: String, to text: inout String) {
        text += "\""
        var plainStart = value.utf8.startIndex
        var index = plainStart
        let utf8 = value.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x22 || byte == 0x5c || byte < 0x20 {
                text += value[plainStart..<index]
                switch byte {
                case 0x22: text += "\\\""
                case 0x5c: text += "\\\\"
                case 0x0a: text += "\\n"
                case 0x0d: text += "\\r"
                case 0x09: text += "\\t"
                default:
                    let digits = Array("0123456789abcdef")
                    text += "\\u00" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0f)])
                }
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text += value[plainStart..<utf8.endIndex]
        text += "\""
    }
}
