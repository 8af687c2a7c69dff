import CICU

/// IDNA2008 domain names through ICU's UTS #46 processing, non-transitional
/// (see `cicu_uts46_options` in `CICU/shim.h`): the only file that imports `CICU`.
///
/// No Punycode or mapping is written here: ICU maps, normalises, checks each
/// label (RFC 5891 §4.2, RFC 5892, RFC 5893) and converts.
enum UTS46 {
    /// A domain converted one way or the other.
    enum Outcome: Sendable, Hashable {
        case converted(String)
        /// The name is not a valid IDNA2008 domain; the text says why (ICU's error bits).
        case invalid(String)
    }

    /// ICU's `nameToASCII`: every label as an A-label or ASCII, lower case.
    static func toASCII(_ domain: String) -> Outcome { processor.convert(domain, toUnicode: false) }

    /// ICU's `nameToUnicode`: every A-label as its U-label.
    static func toUnicode(_ domain: String) -> Outcome { processor.convert(domain, toUnicode: true) }

    /// One processor for the process: ICU's UTS #46 object is immutable after
    /// `uidna_openUTS46` and documented as safe to share between threads.
    private static let processor = Processor()

    private final class Processor: @unchecked Sendable {
        private let idna: OpaquePointer?
        private let openStatus: Int32

        init() {
            var status: Int32 = 0
            idna = cicu_uts46_open(&status)
            openStatus = status
        }

        deinit { if let idna { cicu_uts46_close(idna) } }

        func convert(_ domain: String, toUnicode: Bool) -> Outcome {
            guard let idna else { return .invalid("ICU's UTS #46 processor is unavailable (UErrorCode \(openStatus))") }
            var input = Array(domain.utf8)
            let length = Int32(input.count)
            var capacity = max(64, input.count * 4 + 16)
            while true {
                var output = [UInt8](repeating: 0, count: capacity)
                var errors: UInt32 = 0
                var status: Int32 = 0
                let written = input.withUnsafeMutableBufferPointer { name in
                    output.withUnsafeMutableBufferPointer { dest in
                        name.withMemoryRebound(to: CChar.self) { name in
                            dest.withMemoryRebound(to: CChar.self) { dest in
                                cicu_uts46_convert(
                                    idna, toUnicode ? 1 : 0, name.baseAddress, length, dest.baseAddress,
                                    Int32(capacity), &errors, &status)
                            }
                        }
                    }
                }
                if status == Self.bufferOverflow && Int(written) >= capacity {
                    capacity = Int(written) + 1
                    continue
                }
                if status > 0 { return .invalid("ICU could not process the name (UErrorCode \(status))") }
                if errors != 0 { return .invalid(Self.describe(errors)) }
                return .converted(String(decoding: output.prefix(Int(written)), as: UTF8.self))
            }
        }

        /// U_BUFFER_OVERFLOW_ERROR.
        private static let bufferOverflow: Int32 = 15

        /// ICU's UIDNA_ERROR_* bits in words; the first that applies is enough.
        static func describe(_ errors: UInt32) -> String {
            // UIDNA_ERROR_* (unicode/uidna.h, stable since ICU 4.6).
            let texts: [(UInt32, String)] = [
                (0x1, "an empty label"),
                (0x2, "a label longer than 63 octets"),
                (0x4, "a name longer than 253 octets"),
                (0x8, "a label starting with a hyphen"),
                (0x10, "a label ending with a hyphen"),
                (0x20, "a label with hyphens in the 3rd and 4th positions that is no A-label"),
                (0x40, "a label starting with a combining mark"),
                (0x80, "a character IDNA2008 disallows"),
                (0x100, "an A-label that is not valid Punycode"),
                (0x200, "a label that decodes to a dot"),
                (0x400, "an A-label that does not decode to a valid U-label"),
                (0x800, "a label breaking the Bidi rule (RFC 5893)"),
                (0x1000, "a joiner outside its allowed context (RFC 5892 CONTEXTJ)"),
                (0x6000, "a character outside its allowed context (RFC 5892 CONTEXTO)"),
            ]
            let found = texts.filter { errors & $0.0 != 0 }.map(\.1)
            return found.isEmpty
                ? "invalid (ICU error bits 0x\(String(errors, radix: 16)))" : found.joined(separator: "; ")
        }
    }
}
