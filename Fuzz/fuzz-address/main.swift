import CertDirectory
import Foundation
import FuzzSupport

// An address → MailAddress (shape check, normalisation, matching) and
// LDAPFilter escaping. Properties: an accepted address matches itself and its
// normalised form; the escaped filter is plain ASCII, holds no unescaped
// `*` `(` `)` `\` in the value (so it is one equality assertion, never a
// substring or presence match), and unescapes to exactly the value's bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let address = MailAddress(text) {
        guard address.matches(address, strictLocalPart: true) else { fuzzFailure("\(text) does not match itself") }
        guard let normalized = MailAddress(address.normalized) else {
            fuzzFailure("the normalised form of \(text) is not an address")
        }
        guard normalized.matches(address, strictLocalPart: true), normalized.normalized == address.normalized else {
            fuzzFailure("normalising \(text) is not stable")
        }
        // The book key (A-label domain, ASCII-folded local part) is an address with the same key,
        // and every search spelling names the same mailbox.
        guard let keyed = MailAddress(address.bookKey), keyed.bookKey == address.bookKey else {
            fuzzFailure("the book key of \(text) is not stable")
        }
        for spelling in address.searchSpellings {
            guard let other = MailAddress(spelling), other.matches(address, strictLocalPart: true) else {
                fuzzFailure("the spelling \(spelling) of \(text) is another mailbox")
            }
        }
    }
    for value in [bytes, Array(text.utf8)] {
        let filter = LDAPFilter.equal("mail", bytes: value).rawValue
        guard filter.hasPrefix("(mail="), filter.hasSuffix(")"), filter.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f })
        else { fuzzFailure("filter \(filter.debugDescription) is not one plain ASCII assertion") }
        let assertion = Array(filter.utf8.dropFirst(6).dropLast())
        guard let decoded = unescape(assertion) else { fuzzFailure("filter \(filter) has an unescaped special") }
        guard decoded == value else { fuzzFailure("filter \(filter) does not round-trip") }
    }
    return 0
}

/// RFC 4515 §3 valueencoding back to bytes; `nil` when a special character
/// appears unescaped or an escape is not two hex digits.
func unescape(_ text: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var index = 0
    while index < text.count {
        let byte = text[index]
        switch byte {
        case UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), 0: return nil
        case UInt8(ascii: "\\"):
            guard index + 2 < text.count + 0, let high = hex(text[index + 1]), let low = hex(text[index + 2]) else {
                return nil
            }
            out.append(high << 4 | low)
            index += 3
        default:
            out.append(byte)
            index += 1
        }
    }
    return out
}

func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x61...0x66: byte - 0x61 + 10
    case 0x41...0x46: byte - 0x41 + 10
    default: nil
    }
}

@_cdecl("fuzz_address_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
