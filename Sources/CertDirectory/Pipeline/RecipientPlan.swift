/// Who a message goes to, split into the recipients every copy may name (To
/// and Cc) and the blind ones (Bcc), who must each get a copy of their own:
/// a RecipientInfo in the shared copy would name them to everyone.
///
/// The sources, first that applies:
/// - explicit addresses (`--to`): all visible;
/// - envelope recipients (a content filter's `${recipient}`): those named in
///   the destination fields are visible, the others blind (an MTA removes Bcc
///   before a filter sees the message);
/// - the topmost Resent block's Resent-To, Resent-Cc and Resent-Bcc
///   (RFC 5322 §3.6.6: each resend prepends a block);
/// - To, Cc and Bcc (§3.6.3).
public struct RecipientPlan: Sendable, Equatable {
    /// The recipients of the shared copy, each once, in order.
    public let visible: [String]
    /// The blind recipients, each once, none of them in ``visible``.
    public let blind: [String]

    public init(visible: [String], blind: [String]) {
        var seen = Set<String>()
        self.visible = visible.filter { seen.insert($0.lowercased()).inserted }
        self.blind = blind.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Reads the plan from `message`.
    /// - Parameter envelope: The envelope recipients, when known; empty when not.
    /// - Throws: ``MailMessageError`` when the topmost Resent block has no destination field.
    public init(message: MailMessage, envelope: [String] = []) throws {
        let (to, cc, bcc) = try Self.destinations(of: message)
        if envelope.isEmpty {
            self.init(visible: to + cc, blind: bcc)
        } else {
            let named = Set((to + cc).map { $0.lowercased() })
            self.init(
                visible: envelope.filter { named.contains($0.lowercased()) },
                blind: envelope.filter { !named.contains($0.lowercased()) })
        }
    }

    /// The To, Cc and Bcc addresses, or those of the topmost Resent block.
    static func destinations(of message: MailMessage) throws -> (to: [String], cc: [String], bcc: [String]) {
        func addresses(_ fields: [MailMessage.Field], _ name: String) -> [String] {
            fields.filter { $0.name.lowercased() == name }.flatMap { AddressList.addresses(in: $0.value) }
        }
        guard let block = message.topmostResentBlock else {
            return (addresses(message.fields, "to"), addresses(message.fields, "cc"), addresses(message.fields, "bcc"))
        }
        let names = Set(block.map { $0.name.lowercased() })
        guard !names.isDisjoint(with: ["resent-to", "resent-cc", "resent-bcc"]) else {
            throw MailMessageError(
                "the topmost Resent block has no Resent-To, Resent-Cc or Resent-Bcc field (RFC 5322 §3.6.6)")
        }
        return (addresses(block, "resent-to"), addresses(block, "resent-cc"), addresses(block, "resent-bcc"))
    }
}

extension MailMessage {
    /// The fields of the most recent Resent block: the first run of `Resent-*`
    /// fields, with trace fields (`Received`, `Return-Path`) allowed between
    /// them; a second `Resent-Date` or `Resent-From` starts the next (older) block.
    public var topmostResentBlock: [Field]? {
        guard let first = fields.firstIndex(where: \.isResentField) else { return nil }
        var block: [Field] = []
        var seenSingles = Set<String>()
        for field in fields[first...] {
            let name = field.name.lowercased()
            if name == "received" || name == "return-path" { continue }
            guard field.isResentField else { break }
            if name == "resent-date" || name == "resent-from" {
                guard seenSingles.insert(name).inserted else { break }
            }
            block.append(field)
        }
        return block
    }
}

extension MailMessage.Field {
    /// True for `Resent-*` fields (RFC 5322 §3.6.6).
    public var isResentField: Bool { name.lowercased().hasPrefix("resent-") }

    /// True for `Bcc` and `Resent-Bcc`, which never leave in a copy for others.
    public var isBlindCopy: Bool {
        let lower = name.lowercased()
        return lower == "bcc" || lower == "resent-bcc"
    }
}
