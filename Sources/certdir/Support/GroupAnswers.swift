import CertDirectory
import Logging

/// Which answers of `resolve` are mail groups, and (when asked) their members'
/// resolutions. Only addresses whose entry carried no certificate are asked
/// about, so resolving people costs no extra search.
enum GroupAnswers {
    struct Answer {
        let expansion: GroupExpansion
        /// The members' resolutions; nil when not expanded.
        let members: [Resolution]?
    }

    static func find(
        in results: [Resolution], offline: Bool, expand: Bool, limits: GroupLimits, settings: EffectiveSettings,
        logger: Logger, resolve: ([String]) async throws -> [Resolution]
    ) async throws -> [String: Answer] {
        let possible = results.filter { $0.status == .noUsableCertificate && $0.candidates.isEmpty }.map(\.address)
        guard !offline, !possible.isEmpty else { return [:] }
        let expansions = try await GroupExpander(directory: settings.directory, limits: limits, logger: logger)
            .expand(possible)
        var answers: [String: Answer] = [:]
        for (key, expansion) in expansions {
            let members =
                expand && !expansion.members.isEmpty ? try await resolve(expansion.members) : expand ? [] : nil
            answers[key] = Answer(expansion: expansion, members: members)
        }
        return answers
    }
}
