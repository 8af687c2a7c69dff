public import Foundation

/// RFC 3339 timestamps in UTC with whole seconds (`2026-11-29T15:00:00Z`),
/// the one time format in certdir's output.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Parses `2026-11-29T15:00:00Z`, also with fractional seconds or a numeric offset.
    /// - Returns: `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let text = text.uppercased()  // RFC 3339 §5.6 allows lowercase t and z
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
