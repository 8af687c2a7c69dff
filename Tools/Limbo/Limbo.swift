import Foundation

/// The parts of an x509-limbo testcase the harness reads (https://x509-limbo.com, limbo-schema.json).
struct LimboSuite: Decodable {
    let version: Int
    let testcases: [Testcase]
}

struct Testcase: Decodable {
    struct PeerName: Decodable {
        let kind: String
        let value: String
    }

    let id: String
    let description: String
    let validationKind: String
    let trustedCerts: [String]
    let untrustedIntermediates: [String]
    let peerCertificate: String
    let validationTime: String?
    let signatureAlgorithms: [String]
    let keyUsage: [String]
    let extendedKeyUsage: [String]
    let expectedResult: String
    let expectedPeerName: PeerName?
    let expectedPeerNames: [PeerName]
    let maxChainDepth: Int?
    let crls: [String]

    /// rfc5280, webpki, pathlen, crl, cve, pathological, online, invalid.
    var family: String { String(id.prefix { $0 != ":" }) }
}

/// One line of limbo's harness format.
struct LimboResult: Encodable {
    let id: String
    let actualResult: String
    let context: String
}

struct LimboResults: Encodable {
    let version = 1
    let harness = "certdir"
    let results: [LimboResult]
}

/// The DER of every PEM block of `label` in `text`.
func pemBlocks(_ text: String, label: String) -> [[UInt8]] {
    var blocks: [[UInt8]] = []
    var body: String?
    for line in text.split(whereSeparator: \.isNewline) {
        if line == "-----BEGIN \(label)-----" {
            body = ""
        } else if line == "-----END \(label)-----" {
            if let body, let data = Data(base64Encoded: body) { blocks.append(Array(data)) }
            body = nil
        } else if body != nil {
            body! += line.trimmingCharacters(in: .whitespaces)
        }
    }
    return blocks
}
