import CertDirectory
import Foundation
import TOMLKit

/// certdir's config file: TOML at `$XDG_CONFIG_HOME/certdir/config.toml`
/// (default `~/.config/certdir/config.toml`). It holds the same settings as the
/// options, at top level and per named directory:
///
/// ```toml
/// default-directory = "corp"
/// trust-anchors = ["/etc/certdir/smime-root.pem"]
///
/// [directories.corp]
/// uri = ["ldaps://dc1.corp.example", "ldaps://dc2.corp.example"]
/// base = "dc=corp,dc=example"
/// tls-ca-file = "/etc/certdir/corp-ca.pem"
/// ```
///
/// Unknown keys are errors, so that a typo never silently drops a setting.
struct ConfigFile {
    struct Settings {
        var uris: [String] = []
        var base: String?
        var bindDN: String?
        var passwordFile: String?
        var passwordEnv: String?
        var starttls: Bool?
        var tlsCAFile: String?
        var allowPlaintextBind: Bool?
        var saslMechanism: String?
        var saslNoCanonicalization: Bool?
        var networkTimeout: Double?
        var timeout: Double?
        var globalCatalog: Bool?
        var trustAnchors: [String] = []
        var intermediates: [String] = []
        var strictLocalPart: Bool?
        var minRSABits: Int?
        var revocationSources: String?
        var ocspResponder: String?
        var ocspNonce: String?
    }

    var defaults = Settings()
    var defaultDirectory: String?
    var directories: [String: Settings] = [:]

    /// The default location, honouring `XDG_CONFIG_HOME`.
    static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/certdir/config.toml" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/certdir/config.toml"
    }

    /// Loads `path`; a missing file at the default location is an empty config.
    /// - Throws: ``CLIError`` with status 78 naming the file and the problem.
    static func load(path: String, explicit: Bool) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit { throw CLIError(.config, "config file \(path) does not exist") }
            return ConfigFile()
        }
        let text: String
        do {
            text = String(decoding: try InputFile.read(path: path, limit: InputFile.configurationLimit), as: UTF8.self)
        } catch {
            throw CLIError(.config, "config file: \(error)")
        }
        do {
            return try parse(table(parsing: text, path: path), path: path)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(.config, "config file \(path) is not valid TOML: \(error)")
        }
    }

    static func parse(_ table: TOMLTable, path: String) throws -> ConfigFile {
        var config = ConfigFile()
        for (key, value) in table {
            switch key {
            case "default-directory":
                config.defaultDirectory = try string(value, key, path)
            case "directories":
                guard let directories = value.table else {
                    throw CLIError(.config, "\(path): directories must be a table")
                }
                for (name, entry) in directories {
                    guard let entry = entry.table else {
                        throw CLIError(.config, "\(path): directories.\(name) must be a table")
                    }
                    var settings = Settings()
                    for (key, value) in entry {
                        try apply(key, value, to: &settings, path: "\(path): directories.\(name)")
                    }
                    config.directories[name] = settings
                }
            default:
                try apply(key, value, to: &config.defaults, path: path)
            }
        }
        return config
    }

    private static func apply(_ key: String, _ value: TOMLValueConvertible, to settings: inout Settings, path: String)
        throws
    {
        switch key {
        case "uri": settings.uris = try strings(value, key, path)
        case "base": settings.base = try string(value, key, path)
        case "bind-dn": settings.bindDN = try string(value, key, path)
        case "password-file": settings.passwordFile = try string(value, key, path)
        case "password-env": settings.passwordEnv = try string(value, key, path)
        case "starttls": settings.starttls = try bool(value, key, path)
        case "tls-ca-file": settings.tlsCAFile = try string(value, key, path)
        case "allow-plaintext-bind": settings.allowPlaintextBind = try bool(value, key, path)
        case "sasl-mech": settings.saslMechanism = try string(value, key, path)
        case "sasl-nocanon": settings.saslNoCanonicalization = try bool(value, key, path)
        case "network-timeout": settings.networkTimeout = try seconds(value, key, path)
        case "timeout": settings.timeout = try seconds(value, key, path)
        case "global-catalog": settings.globalCatalog = try bool(value, key, path)
        case "trust-anchors", "trust-anchor": settings.trustAnchors = try strings(value, key, path)
        case "intermediates": settings.intermediates = try strings(value, key, path)
        case "strict-local-part": settings.strictLocalPart = try bool(value, key, path)
        case "min-rsa-bits":
            guard let bits = value.int, (512...16384).contains(bits) else {
                throw CLIError(.config, "\(path): min-rsa-bits must be a whole number from 512 to 16384")
            }
            settings.minRSABits = bits
        case "revocation-sources":
            let text = try string(value, key, path)
            guard RevocationSources.parseOrder(text) != nil else {
                throw CLIError(.config, "\(path): revocation-sources must be ocsp,crl, crl,ocsp, crl or ocsp")
            }
            settings.revocationSources = text
        case "ocsp-responder":
            let text = try string(value, key, path)
            guard OCSPResponderURL.isValid(text) else {
                throw CLIError(.config, "\(path): ocsp-responder must be an http:// or https:// URL")
            }
            settings.ocspResponder = text
        case "ocsp-nonce":
            let text = try string(value, key, path)
            guard OCSPNoncePolicy(rawValue: text) != nil else {
                throw CLIError(.config, "\(path): ocsp-nonce must be send, require or off")
            }
            settings.ocspNonce = text
        case "password":
            throw CLIError(
                .config, "\(path): passwords do not belong in the config file; use password-file or password-env")
        default: throw CLIError(.config, "\(path): unknown setting \(key)")
        }
    }

    private static func string(_ value: TOMLValueConvertible, _ key: String, _ path: String) throws -> String {
        guard let text = value.string else { throw CLIError(.config, "\(path): \(key) must be a string") }
        return text
    }

    private static func strings(_ value: TOMLValueConvertible, _ key: String, _ path: String) throws -> [String] {
        if let text = value.string { return [text] }
        guard let array = value.array else {
            throw CLIError(.config, "\(path): \(key) must be a string or a list of strings")
        }
        return try array.map { item in
            guard let text = item.string else { throw CLIError(.config, "\(path): \(key) must list strings") }
            return text
        }
    }

    private static func bool(_ value: TOMLValueConvertible, _ key: String, _ path: String) throws -> Bool {
        guard let flag = value.bool else { throw CLIError(.config, "\(path): \(key) must be true or false") }
        return flag
    }

    /// A timeout: seconds, more than 0 and at most a day, as for the flags.
    private static func seconds(_ value: TOMLValueConvertible, _ key: String, _ path: String) throws -> Double {
        let number = value.int.map(Double.init) ?? value.double
        guard let number, number.isFinite, number >= 0.001, number <= 86_400 else {
            throw CLIError(.config, "\(path): \(key) must be seconds between 0.001 and 86400")
        }
        return number
    }
}
