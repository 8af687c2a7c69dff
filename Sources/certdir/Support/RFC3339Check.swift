import CertDirectory
import Foundation

/// The CLI's one spelling of the library's RFC 3339 parser.
enum RFC3339Check {
    static func parse(_ text: String) -> Date? { RFC3339.parse(text) }
}
