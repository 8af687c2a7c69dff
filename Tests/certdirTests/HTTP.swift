import CertDirectoryTestSupport
import Foundation
import Testing

/// curl as the HTTP client of the serve tests, Python for independent checks.
enum HTTP {
    struct Answer {
        let status: Int
        /// Header names in lower case.
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3), and `@`.
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `GET url` with extra request header lines.
    static func get(_ url: String, headers: [String] = [], curl options: [String] = []) throws -> Answer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bodyPath = folder.appendingPathComponent("body").path
        let headPath = folder.appendingPathComponent("head").path
        var arguments = [
            "-s", "-S", "--globoff", "-o", bodyPath, "-D", headPath, "-w", "%{http_code}", "--max-time", "30",
        ]
        for header in headers { arguments += ["-H", header] }
        arguments += options
        let result = try runTool("curl", arguments + [url])
        guard result.status == 0, let status = Int(String(decoding: result.stdout, as: UTF8.self)) else {
            throw HTTPError(description: "curl \(url): \(result.status) \(result.stderr)")
        }
        var fields: [String: String] = [:]
        let head = (try? String(contentsOfFile: headPath, encoding: .utf8)) ?? ""
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyPath))) ?? Data()
        return Answer(status: status, headers: fields, body: body)
    }

    /// All `urls` at once (`curl --parallel`); the status codes in order.
    static func parallel(_ urls: [String]) throws -> [Int] {
        var arguments = [
            "-s", "--parallel", "--parallel-immediate", "--parallel-max", "\(urls.count)", "-w", "%{http_code}\\n",
        ]
        for url in urls { arguments += ["-o", "/dev/null", url] }
        let result = try runTool("curl", arguments)
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
    }

    struct Part {
        let type: String
        let sha256: String
    }

    /// Splits a multipart body with Python's `email` package: each part's type and SHA-256.
    static func parseMultipart(_ body: Data, contentType: String) throws -> [Part] {
        let script = """
            import sys, email, hashlib
            from email import policy
            raw = sys.stdin.buffer.read()
            message = email.message_from_bytes(b"Content-Type: " + sys.argv[1].encode() + b"\\r\\n\\r\\n" + raw, policy=policy.HTTP)
            assert message.is_multipart(), "not multipart"
            for part in message.iter_parts():
                print(part.get_content_type(), hashlib.sha256(part.get_payload(decode=True)).hexdigest())
            """
        let result = try runTool("python3", ["-c", script, contentType], stdin: body)
        guard result.status == 0 else { throw HTTPError(description: "python email: \(result.stderr)") }
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            let fields = $0.split(separator: " ")
            return Part(type: String(fields[0]), sha256: String(fields.last ?? ""))
        }
    }

    /// The RFC 4387 iHash (SHA-1 of the DER issuer Name, base64 without pad) of each
    /// certificate in a multipart body, in one Python run (`email` and `cryptography`).
    static func issuerHashes(_ body: Data, contentType: String) throws -> [String] {
        let script = """
            import sys, email, hashlib, base64
            from email import policy
            from cryptography import x509
            raw = sys.stdin.buffer.read()
            message = email.message_from_bytes(b"Content-Type: " + sys.argv[1].encode() + b"\\r\\n\\r\\n" + raw, policy=policy.HTTP)
            for part in message.iter_parts():
                c = x509.load_der_x509_certificate(part.get_payload(decode=True))
                print(base64.b64encode(hashlib.sha1(c.issuer.public_bytes()).digest()).decode().rstrip("="))
            """
        let result = try runTool("python3", ["-c", script, contentType], stdin: body)
        guard result.status == 0 else { throw HTTPError(description: "python cryptography: \(result.stderr)") }
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The RFC 4387 search keys of a DER certificate, computed with Python's `cryptography`.
    static func searchKeys(der path: String) throws -> [String: String] {
        let script = """
            import sys, base64, hashlib
            from cryptography import x509
            from cryptography.hazmat.primitives.serialization import Encoding
            c = x509.load_der_x509_certificate(open(sys.argv[1], "rb").read())
            def tlv(tag, value):
                n = len(value)
                length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
                return bytes([tag]) + length + value
            key = lambda data: base64.b64encode(hashlib.sha1(data).digest()).decode().rstrip("=")
            serial = c.serial_number.to_bytes((c.serial_number.bit_length() + 8) // 8, "big")
            print("certHash", key(c.public_bytes(Encoding.DER)))
            print("iAndSHash", key(tlv(0x30, c.issuer.public_bytes() + tlv(0x02, serial))))
            print("sHash", key(c.subject.public_bytes()))
            print("iHash", key(c.issuer.public_bytes()))
            ski = c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            print("sKIDHash", key(ski))
            cn = c.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
            if cn: print("name", cn[0].value)
            """
        let result = try runTool("python3", ["-c", script, path])
        guard result.status == 0 else { throw HTTPError(description: "python cryptography: \(result.stderr)") }
        var keys: [String: String] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            keys[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return keys
    }

    struct HTTPError: Error, CustomStringConvertible {
        let description: String
    }
}
