import ArgumentParser

/// sysexits(3) codes, the language mail pipelines understand.
enum ExitStatus: Int32, Comparable {
    case ok = 0
    case usage = 64
    case dataError = 65
    /// An input file does not exist or cannot be read (sysexits EX_NOINPUT).
    case noInput = 66
    case noUser = 67
    case ioError = 74
    case tempFail = 75
    case noPermission = 77
    case config = 78

    /// When several apply, the first of 64, 78, 75, 77, 74, 66, 67, 65 wins (the CLI contract).
    private var rank: Int {
        switch self {
        case .usage: 0
        case .config: 1
        case .tempFail: 2
        case .noPermission: 3
        case .ioError: 4
        case .noInput: 5
        case .noUser: 6
        case .dataError: 7
        case .ok: 8
        }
    }

    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rank < rhs.rank }

    var exitCode: ExitCode { ExitCode(rawValue) }
}

/// A failure the CLI reports in one line and maps to an exit status.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let description: String

    init(_ status: ExitStatus, _ description: String) {
        self.status = status
        self.description = description
    }
}
