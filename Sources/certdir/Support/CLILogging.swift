import Logging

/// A stderr logger per command; no global bootstrap, so the library never
/// depends on process-wide logging state.
enum CLILogging {
    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "certdir") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .error
        return logger
    }
}
