import CertDirectory
import Foundation

/// The one-line progress display of `export` on a terminal: entries,
/// certificates and rate, rewritten in place at most every 200 ms.
final class ProgressMeter: @unchecked Sendable {
    // @unchecked: updated from the exporting task only, one page at a time.
    private let enabled: Bool
    private let start = Date()
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: ExportProgress) {
        guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Int(Double(progress.entries) / elapsed)
        Console.error("\r\u{1b}[K\(progress.entries) entries, \(progress.certificates) certificates, \(rate) entries/s")
        shown = true
    }

    func finish() {
        if shown { Console.error("\r\u{1b}[K") }
    }
}

/// The end-of-export summary on stderr: counts per status and per reason.
enum ExportSummary {
    static func text(_ progress: ExportProgress) -> String {
        var line = "exported from \(count(progress.entries, "entry", "entries")) in \(count(progress.pages, "page")): "
        line += "\(count(progress.certificates, "distinct certificate")) "
        line += "(\(progress.usable) usable, \(progress.unusable) unusable)"
        if progress.malformed > 0 { line += ", \(count(progress.malformed, "malformed value")) (not certificates)" }
        line += ", \(count(progress.duplicates, "duplicate value")) (held by more than one entry or attribute)"
        var lines = [line]
        if progress.revocationSources.isEmpty {
            lines.append("  revocation: not checked (--revocation off)")
        } else {
            let outcomes = RevocationStatus.allCases.compactMap { status in
                progress.revocation[status].map { "\($0) \(status.rawValue)" }
            }
            lines.append(
                "  revocation checked by \(progress.revocationSources.map(\.rawValue).joined(separator: ", then ")): "
                    + (outcomes.isEmpty ? "no certificates" : outcomes.joined(separator: ", ")))
        }
        for (code, count) in progress.reasons.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("  \(code.rawValue): \(count)")
        }
        if !progress.referrals.isEmpty {
            lines.append("  referrals not followed: \(progress.referrals.joined(separator: ", "))")
        }
        return lines.map { "certdir: \($0.terminalSafe)\n" }.joined()
    }

    /// `1 page`, `2 pages`.
    private static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) " + (number == 1 ? singular : plural ?? singular + "s")
    }
}
