internal import COpenSSL

/// Drains OpenSSL's thread-local error queue into one line of text, so that a
/// failure reports OpenSSL's own reason and the queue never leaks into the
/// next call on this thread.
enum OpenSSLErrorQueue {
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.joined(separator: "; ")
    }

    static func clear() { ERR_clear_error() }
}
