import ArgumentParser
import CertDirectory

/// Bounds on mail group (distribution list) expansion, for `encrypt` and `resolve --expand-groups`.
struct GroupOptions: ParsableArguments {
    @Option(name: .customLong("group-depth"), help: "Nested group levels followed (default 10).")
    var depth = GroupLimits().depth

    @Option(
        name: .customLong("group-size"), help: "Member entries read per group, nested ones included (default 10000).")
    var size = GroupLimits().size

    @Option(
        name: .customLong("range-window"),
        help: "Values of member asked for per request, as Active Directory's member;range= (default 1500).")
    var rangeWindow = GroupLimits().rangeWindow

    func validate() throws {
        for (name, value) in [("--group-depth", depth), ("--group-size", size), ("--range-window", rangeWindow)]
        where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
    }

    var limits: GroupLimits { GroupLimits(depth: depth, size: size, rangeWindow: rangeWindow) }
}
