public import Foundation

/// What `book import` did with each file.
public struct ImportReport: Sendable {
    /// Certificates filed, with the address each went under.
    public var added: [(address: String, sha256: String, path: String)] = []
    /// Certificates or files left out, and why (a CA certificate, no address, unreadable).
    public var skipped: [(path: String, reason: String)] = []
    /// Files that could not be read or parsed at all.
    public var failed: [(path: String, reason: String)] = []
    /// The paths among ``failed`` that could not be read at all (missing, no permission).
    public var unreadable: Set<String> = []
}

extension AddressBook {
    /// Files the end-entity certificates of each file under every address they
    /// name (subjectAltName rfc822Name, else the subject emailAddress, RFC 8550 §3).
    /// Reads PEM, DER, PKCS#7 (`.p7c`/`.p7b`) and PKCS#12 (certificates only; the
    /// private key is never stored); a folder is read file by file, recursively.
    /// - Parameter password: Asked for each PKCS#12 file's password, by path.
    /// - Throws: ``AddressBookError`` when the book cannot be written; file
    ///   problems are reported in ``ImportReport/failed`` instead.
    public func importFiles(_ paths: [String], password: (String) throws -> Secret, at now: Date) throws
        -> ImportReport
    {
        var report = ImportReport()
        for (path, inFolder) in paths.flatMap(Self.expand) {
            let certificates: [ParsedCertificate]
            do {
                let bytes = try InputFile.read(path: path, limit: InputFile.certificateLimit)
                if PKCS12File.isPKCS12(bytes) {
                    let (leaf, others) = try PKCS12File.certificates(
                        in: bytes, password: try password(path), path: path)
                    certificates = [leaf] + others
                } else {
                    certificates = try CertificateFile.parse(bytes, path: path)
                }
            } catch let error as InputFileError {
                report.failed.append((path, "cannot read: \(error.reason)"))
                if !error.exceedsLimit { report.unreadable.insert(path) }
                continue
            } catch let error as CertificateFileError {
                // A folder may hold keys and notes beside the certificates.
                if inFolder {
                    report.skipped.append((path, error.reason))
                } else {
                    report.failed.append((path, error.reason))
                }
                continue
            } catch {
                report.failed.append((path, "\(error)"))
                continue
            }
            for certificate in certificates {
                if certificate.isCA {
                    report.skipped.append((path, "\(certificate.subject) is a CA certificate"))
                    continue
                }
                let addresses = Set(certificate.mailboxAddresses.map(\.bookKey))
                if addresses.isEmpty {
                    report.skipped.append((path, "\(certificate.subject) names no mail address"))
                }
                for address in addresses.sorted() {
                    try add(
                        [certificate], to: address, origin: .import, detail: path, displayName: certificate.commonName,
                        at: now)
                    report.added.append((address, certificate.sha256, path))
                }
            }
        }
        return report
    }

    /// A file as itself; a folder as the regular files under it, sorted, marked as found in a folder.
    private static func expand(_ path: String) -> [(path: String, inFolder: Bool)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
            let enumerator = FileManager.default.enumerator(atPath: path)
        else { return [(path, false)] }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        return enumerator.compactMap { $0 as? String }.map { folder + "/" + $0 }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted().map { ($0, true) }
    }
}
