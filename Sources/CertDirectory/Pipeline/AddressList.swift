/// Extracts the addr-specs from an RFC 5322 address list (§3.4): mailboxes
/// with or without display names, angle-bracketed addresses, groups
/// (`undisclosed-recipients:;`), quoted strings and (nested) comments.
enum AddressList {
    static func addresses(in text: String) -> [String] {
        var result: [String] = []
        var token = ""
        var angle: String?
        var inAngle = false
        var inQuote = false
        var commentDepth = 0
        var escaped = false
        func finish() {
            let candidate = (angle ?? token).trimmingSpaces
            // Strip an obsolete route (`@a,@b:user@host`, RFC 5322 §4.4).
            let address =
                candidate.hasPrefix("@") ? String(candidate.split(separator: ":", maxSplits: 1).last ?? "") : candidate
            if address.contains("@") { result.append(address) }
            token = ""
            angle = nil
        }
        for character in text {
            if escaped {
                if commentDepth == 0 { if inAngle { angle?.append(character) } else { token.append(character) } }
                escaped = false
                continue
            }
            if character == "\\" && (inQuote || commentDepth > 0) {
                escaped = true
                if commentDepth == 0 { if inAngle { angle?.append(character) } else { token.append(character) } }
                continue
            }
            if commentDepth > 0 {
                if character == "(" { commentDepth += 1 } else if character == ")" { commentDepth -= 1 }
                continue
            }
            if inQuote {
                if character == "\"" { inQuote = false }
                if inAngle { angle?.append(character) } else { token.append(character) }
                continue
            }
            switch character {
            case "\"":
                inQuote = true
                if inAngle { angle?.append(character) } else { token.append(character) }
            case "(":
                commentDepth = 1
            case "<":
                inAngle = true
                angle = ""
            case ">":
                inAngle = false
            case ",", ";":
                if inAngle { angle?.append(character) } else { finish() }
            case ":" where !inAngle:
                token = ""  // a group's display name ends here
            case " ", "\t", "\r", "\n":
                if inAngle { continue }
                token.append(" ")
            default:
                if inAngle { angle?.append(character) } else { token.append(character) }
            }
        }
        finish()
        // A display name without angle brackets leaves spaces: keep the last word holding '@'.
        return result.compactMap { address in
            if address.contains(" ") && !address.contains("\"") {
                return address.split(separator: " ").last { $0.contains("@") }.map(String.init)
            }
            return address
        }
    }
}
